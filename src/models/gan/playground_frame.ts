/**
 * The playground's numbers, without files (browser-safe): the data window, the discriminator's
 * reading over the plane, real and generated points, the generator's gradient arrows and the
 * mode coverage of ring/grid toys. playground.ts draws them into PNG frames in Node; genlab
 * studio (studio/gan_panel.ts) draws them on a canvas.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/types.js';
import { Rng } from '../../util/rng.js';
import { modeCoverage } from '../../eval/modes.js';
import type { FieldPlotOptions } from '../../io/field_plot.js';
import type { GanModel } from './model.js';
import { discriminatorReading, generatorLoss } from './losses.js';

const GRID = 64; // heat-map resolution (GRID x GRID evaluations of D)
const FAKE = 1000; // generated points drawn
const ARROWS = 150; // of which this many carry an arrow

/** A fixed window around the data (its extent plus 40%), so frames of one run line up. */
export function playgroundBounds(points: Float32Array): [number, number, number, number] {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i + 1 < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  const half = (Math.max(x1 - x0, y1 - y0) * 1.4) / 2;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  return [cx - half, cx + half, cy - half, cy + half];
}

/** Everything one playground frame shows, computed from the model (no files). */
export function playgroundFrame(model: GanModel, data: Dataset & { kind: 'points' }, step: number): FieldPlotOptions & { fakePoints: Float32Array } {
  const real = data.points.subarray(0, 2 * Math.min(data.n, 1000));
  const bounds = playgroundBounds(data.points.subarray(0, 2 * Math.min(data.n, 5000)));
  const [x0, x1, y0, y1] = bounds;
  // Grid centres, row 0 at ymin: values[row * GRID + col].
  const grid = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      grid[2 * (r * GRID + c)] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
      grid[2 * (r * GRID + c) + 1] = y0 + ((r + 0.5) / GRID) * (y1 - y0);
    }
  }
  const rng = new Rng(1234); // the same z every frame, so the animation shows the generator moving
  const z = model.latent(FAKE, rng);
  const { field, fake, grads } = tf.tidy(() => {
    const field = discriminatorReading(model.config.loss, model.discriminate(tf.tensor2d(grid, [GRID * GRID, 2])));
    const fake = model.generate(z); // [FAKE, 2]
    const head = tf.slice(fake, 0, ARROWS);
    // -dL_G/dx at the generated points: where the generator's loss moves them.
    const grads = tf.neg(tf.grad((x: tf.Tensor) => generatorLoss(model.config.loss, model.discriminate(x)))(head));
    return { field, fake, grads };
  });
  z.dispose();
  const values = field.dataSync() as Float32Array;
  const fakePoints = fake.dataSync() as Float32Array;
  const g = grads.dataSync() as Float32Array;
  tf.dispose([field, fake, grads]);
  // Scale arrows so the longest is 8% of the window: directions and relative strengths show.
  let longest = 0;
  for (let i = 0; i < ARROWS; i++) longest = Math.max(longest, Math.hypot(g[2 * i], g[2 * i + 1]));
  const scale = longest > 0 ? (0.08 * (x1 - x0)) / longest : 0;
  const vec = g.map((v) => v * scale);
  return {
    bounds,
    field: { values, gridSize: GRID, ...(model.config.loss === 'minimax' || model.config.loss === 'ns' ? { range: [0, 1] as [number, number] } : {}) },
    real,
    fake: fakePoints,
    fakePoints,
    arrows: { from: fakePoints.slice(0, 2 * ARROWS), vec },
    ...(data.modes ? { markers: data.modes } : {}),
    title: `step ${step}  ${model.config.loss}`,
  };
}

/**
 * Mode coverage of a frame's generated points on a ring/grid toy (eval/modes.ts: modes covered,
 * share of high-quality samples); null for sources without modes.
 */
export function frameCoverage(frame: { fakePoints: Float32Array }, data: Dataset & { kind: 'points' }): { modes: number; of: number; hq: number } | null {
  const { modes, modeStd } = data;
  if (!modes || !modeStd) return null;
  const m = modes.length / 2;
  const cov = modeCoverage(frame.fakePoints, frame.fakePoints.length / 2, modes, m, { std: modeStd });
  return { modes: cov.modes, of: m, hq: cov.hq };
}
