/**
 * `genlab interpolate GAN_RUN --steps 10 --out FILE`: latent interpolation (latent_interpolation.ts).
 * For each pair of latents z_a, z_b ~ N(0, I), the generator's images along
 *   linear:     z(t) = (1 - t) z_a + t z_b
 *   spherical:  z(t) = [sin((1 - t) theta) z_a + sin(t theta) z_b] / sin(theta)
 * at `steps` values of t in [0, 1] (ends included). With mode 'both', each pair gets a linear
 * row followed by a spherical row.
 */
import { parse, str, int, choice, type OptionSpec } from '../../cli/args.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { initBackend } from '../../backend/index.js';
import { loadRun } from '../../train/load_run.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { GanModel } from './model.js';
import { latentInterpolation, type LatentPath } from './latent_interpolation.js';
import { checkOutFile } from '../../cli/out_path.js';

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
  if (out === undefined) throw new UserError('interpolate: --out FILE is required');
  checkOutFile(out);
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
