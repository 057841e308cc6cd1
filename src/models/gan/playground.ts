/**
 * The 2-D playground (what GAN Lab shows, as files): at each sample period a picture of
 *   - the discriminator's reading over the plane as a heat map (D's probability of "real" for
 *     minimax/ns, its raw output for LSGAN, the critic value for WGANs),
 *   - real samples and generated samples,
 *   - generator gradient arrows: at generated points x = G(z), the direction -dL_G/dx in which
 *     the generator's loss pushes them,
 * written to RUN/playground/step-NNNNNN.png; the report stitches them into RUN/playground.gif.
 * Also the mode coverage of ring/grid toys (modes covered, share of high-quality samples),
 * appended to metrics.jsonl as {step, modes, hq}, with a warning when the generator collapses.
 */
import { appendFile, readdir } from 'node:fs/promises';
import { makeDirs } from '../../io/atomic.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../../data/types.js';
import { writeFieldPlot } from '../../io/field_plot.js';
import { readImage, writeAnimation } from '../../io/png.js';
import type { GanModel } from './model.js';
import { playgroundFrame, frameCoverage } from './playground_frame.js';

export { playgroundBounds, playgroundFrame, frameCoverage } from './playground_frame.js';

/** The onSample hook for 2-D data: a frame, and mode coverage for ring/grid toys. */
export async function writePlayground(model: GanModel, info: { dir: string; step: number; data: Dataset; warn(m: string): void }): Promise<void> {
  if (info.data.kind !== 'points') return;
  model.setTraining(false);
  try {
    const frame = playgroundFrame(model, info.data, info.step);
    const dir = join(info.dir, 'playground');
    await makeDirs(dir);
    await writeFieldPlot(join(dir, `step-${String(info.step).padStart(6, '0')}.png`), frame);
    const cov = frameCoverage(frame, info.data);
    if (cov) {
      const m = cov.of;
      await appendFile(join(info.dir, 'metrics.jsonl'), JSON.stringify({ step: info.step, modes: cov.modes, hq: +cov.hq.toFixed(4) }) + '\n');
      // Collapse, not an early stage: most samples are already sharp (high quality) yet sit on few modes.
      if (cov.hq >= 0.5 && cov.modes <= m / 2) info.warn(`step ${info.step}: ${(100 * cov.hq).toFixed(0)}% of samples are sharp but cover only ${cov.modes} of ${m} modes (mode collapse)`);
    }
  } finally {
    model.setTraining(true);
  }
}

/** RUN/playground.gif from the frames so far; returns its path, or null without frames. */
export async function writePlaygroundAnimation(runDir: string): Promise<string | null> {
  const dir = join(runDir, 'playground');
  if (!existsSync(dir)) return null;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
  if (files.length === 0) return null;
  const frames = [];
  for (const f of files) frames.push(await readImage(join(dir, f)));
  const out = join(runDir, 'playground.gif');
  await writeAnimation(out, frames, { delayMs: 250 });
  return out;
}
