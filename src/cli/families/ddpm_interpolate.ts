/**
 * `genlab interpolate RUN --t 500` for DDPM runs: rows of pairs of test images encoded to step t
 * with shared noise, mixed linearly (or spherically) and denoised back (src/models/ddpm/interpolate.ts).
 * With --t a list (e.g. 100,300,500,700), one row per t for the same pair shows how t trades
 * fidelity for diversity.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../backend/index.js';
import { loadSource } from '../../data/index.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { unitToSymmetric } from '../../math/scaling.js';
import { interpolateDiffusion } from '../../models/ddpm/interpolate.js';
import { DdpmModel } from '../../models/ddpm/model.js';
import { loadRun } from '../../train/load_run.js';
import { UserError } from '../../util/errors.js';
import { ProgressLine } from '../../util/progress.js';
import { Rng } from '../../util/rng.js';
import { choice, int, str, type ParsedArgs } from '../args.js';
import { checkOutFile } from '../out_path.js';
import type { FigureCommand } from './types.js';

async function interpolate(a: ParsedArgs, dir: string): Promise<number> {
  const out = str(a, 'out');
  if (out === undefined) throw new UserError('interpolate: --out FILE is required');
  checkOutFile(out);
  const steps = int(a, 'steps', 10, 2)!;
  const pairs = int(a, 'pairs', 4, 1)!;
  const mix = choice(a, 'mode', ['linear', 'spherical'] as const, 'linear') === 'spherical' ? 'slerp' : 'linear';
  const seed = int(a, 'seed', 0, 0)!;
  const ts = (str(a, 't') ?? '500').split(',').map((v) => Number(v.trim()));
  if (ts.some((t) => !Number.isInteger(t) || t < 1)) throw new UserError(`--t must be whole numbers from 1 to the run's T, got '${str(a, 't')}'`);
  await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto') });
  const run = await loadRun(dir);
  const model = run.model;
  if (!(model instanceof DdpmModel)) throw new Error(`${dir}: a ddpm run without a DdpmModel`);
  if (model.data.kind !== 'images') throw new UserError(`${dir}: interpolation through the diffusion needs an image DDPM run`);
  const T = model.schedule.T;
  for (const t of ts) if (!Number.isInteger(t) || t < 1 || t > T) throw new UserError(`--t must be whole numbers in 1..${T}, got '${str(a, 't')}'`);
  const ds = await loadSource(str(a, 'data', run.config.training.data.replace(/:(train|test)$/, '')), { split: 'test' });
  if (ds.kind !== 'images') throw new UserError('interpolate: --data must be an image source');
  const [h, w, c] = model.data.shape;
  if (ds.height !== h || ds.width !== w || ds.channels !== c) throw new UserError(`--data images are ${ds.height}x${ds.width}x${ds.channels}, the model's ${h}x${w}x${c}`);
  const rng = new Rng(seed);
  const per = h * w * c;
  const rows: Float32Array[] = [];
  const image = (i: number) => tf.tidy(() => unitToSymmetric(tf.tensor(ds.pixels.subarray(i * per, (i + 1) * per), [1, h, w, c]))); // [1, H, W, C] in [-1, 1]
  const progress = new ProgressLine('interpolate', pairs * ts.length, 'rows');
  try {
    for (let p = 0; p < pairs; p++) {
      const i = rng.int(ds.n);
      const j = rng.int(ds.n);
      for (const t of ts) {
        const x1 = image(i);
        const x2 = image(j);
        const strip = interpolateDiffusion(model, x1, x2, t - 1, steps, mix, new Rng(seed * 1000 + p));
        // row: original a, the denoised mixtures, original b
        const row = new Float32Array((steps + 2) * per);
        row.set(ds.pixels.subarray(i * per, (i + 1) * per), 0);
        row.set(strip.dataSync() as Float32Array, per);
        row.set(ds.pixels.subarray(j * per, (j + 1) * per), (steps + 1) * per);
        rows.push(row);
        tf.dispose([x1, x2, strip]);
        progress.update(rows.length, `pair ${p + 1}/${pairs}, t ${t}`);
      }
    }
  } finally {
    progress.end();
  }
  const all = new Float32Array(rows.length * (steps + 2) * per);
  rows.forEach((r, k) => all.set(r, k * r.length));
  await writeImageGrid(out, all, { shape: [rows.length * (steps + 2), h, w, c as 1 | 3], cols: steps + 2, scale: 2 });
  model.dispose();
  console.log(out);
  return 0;
}

const s = { type: 'string' } as const;

export const ddpmInterpolate: FigureCommand = { options: { data: s, t: s, steps: s, pairs: s, mode: s, seed: s, out: s, backend: s }, run: interpolate };
