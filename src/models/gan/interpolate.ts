/**
 * `genlab interpolate GAN_RUN --steps 10 --out FILE`: latent interpolation. For each pair of
 * latents z_a, z_b ~ N(0, I), the generator's images along
 *   linear:     z(t) = (1 - t) z_a + t z_b
 *   spherical:  z(t) = [sin((1 - t) theta) z_a + sin(t theta) z_b] / sin(theta)
 * at `steps` values of t in [0, 1] (ends included). Spherical paths keep |z| near the typical
 * norm sqrt(nz) of Gaussian latents; linear midpoints are shorter, which a GAN may render blurrier.
 * With mode 'both', each pair gets a linear row followed by a spherical row.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parse, str, int, choice, type OptionSpec } from '../../cli/args.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { initBackend } from '../../backend/index.js';
import { loadRun } from '../../train/load_run.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { interpolatePath } from '../vae/latent.js';
import { GanModel } from './model.js';

export type LatentPath = 'linear' | 'spherical';

/** Images [pairs * rows, H, W, C] in [0, 1]: for each pair, one row of `steps` per path in `paths`. */
export function latentInterpolation(model: GanModel, pairs: number, steps: number, paths: LatentPath[], rng: Rng): tf.Tensor {
  const nz = model.config.nz;
  const za = rng.normalArray(pairs * nz);
  const zb = rng.normalArray(pairs * nz);
  const rows: number[] = [];
  for (let p = 0; p < pairs; p++) {
    for (const mode of paths) {
      for (const z of interpolatePath(za.subarray(p * nz, (p + 1) * nz), zb.subarray(p * nz, (p + 1) * nz), steps, mode)) rows.push(...z);
    }
  }
  return tf.tidy(() => model.toSamples(model.generate(tf.tensor2d(rows, [rows.length / nz, nz]))));
}

const options: OptionSpec = {
  steps: { type: 'string' },
  pairs: { type: 'string' },
  mode: { type: 'string' },
  seed: { type: 'string' },
  scale: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
};

export async function runGanInterpolate(argv: string[]): Promise<number> {
  const a = parse(argv, options, 'interpolate');
  const [dir, ...extra] = a.positionals;
  if (!dir) throw new UserError('interpolate: name the run directory');
  if (extra.length) throw new UserError(`interpolate: unexpected argument '${extra[0]}'`);
  const out = str(a, 'out');
  if (!out) throw new UserError('interpolate: --out FILE is required');
  const steps = int(a, 'steps', 10, 2)!;
  const pairs = int(a, 'pairs', 4, 1)!;
  const mode = choice(a, 'mode', ['both', 'linear', 'spherical'] as const, 'both');
  const seed = int(a, 'seed', 0, 0)!;
  await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto'), threads: int(a, 'threads', undefined, 1) });
  const run = await loadRun(dir);
  try {
    if (!(run.model instanceof GanModel)) throw new UserError(`${dir}: not a GAN run`);
    if (run.data.kind !== 'images') throw new UserError(`${dir}: latent interpolation strips need an image GAN (this one makes 2-D points)`);
    const paths: LatentPath[] = mode === 'both' ? ['linear', 'spherical'] : [mode];
    const images = latentInterpolation(run.model, pairs, steps, paths, new Rng(seed));
    try {
      await writeImageGrid(out, images, { cols: steps, scale: int(a, 'scale', 2, 1)! });
    } finally {
      images.dispose();
    }
    console.log(`wrote ${out} (${pairs} pairs x ${paths.join(' + ')}, ${steps} steps)`);
  } finally {
    run.model.dispose();
  }
  return 0;
}
