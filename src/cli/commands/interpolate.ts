/** `genlab interpolate RUN --out FILE`: latent interpolation strips between pairs of test images. */
import * as tf from '@tensorflow/tfjs-core';
import { parse, str, int, choice } from '../args.js';
import type { OptionSpec } from '../args.js';
import type { Command } from '../command.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { loadVaeRun } from '../../models/vae/run.js';
import { interpolationStrips } from '../../models/vae/figures.js';
import { checkShape, startBackend, loadImages, pickImages } from '../../models/vae/cli_common.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { resolveRunPath } from '../../train/load_run.js';
import { checkOutFile } from '../out_path.js';

async function runModelName(spec: string): Promise<string | null> {
  try {
    return (await readRunConfig(resolveRunPath(spec))).model;
  } catch {
    return null;
  }
}

const usage = `usage: genlab interpolate RUN|pretrained:NAME --out FILE.png [--data SOURCE] [--steps 10] [--pairs 8] [--mode linear|spherical] [--seed 0] [--scale 2] [--backend auto|wasm|cpu|node]

For each of --pairs random pairs of test images (a, b), one row: a, the decoded latent path
from mu(a) to mu(b) in --steps points (ends included), then b.
  linear:     z(t) = (1 - t) z_a + t z_b
  spherical:  z(t) = [sin((1 - t) theta) z_a + sin(t theta) z_b] / sin(theta), cos(theta) = z_a.z_b / (|z_a||z_b|)
  --data SOURCE   images to interpolate; default the run's data source (test split)`;

const options: OptionSpec = {
  data: { type: 'string' },
  steps: { type: 'string' },
  pairs: { type: 'string' },
  mode: { type: 'string' },
  seed: { type: 'string' },
  scale: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
};

export const command: Command = {
  name: 'interpolate',
  summary: 'interpolations: between test images (AE/VAE latents, DDPM through x_t) or GAN latents',
  usage,
  async run(argv: string[]): Promise<number> {
    // Diffusion runs interpolate through q(x_t | x_0) instead of a latent space.
    const target = argv.find((x) => !x.startsWith('-'));
    const kind = target ? await runModelName(target) : null;
    if (kind === 'ddpm') return (await import('../../models/ddpm/interpolate_cli.js')).runDdpmInterpolate(argv);
    // GANs have no encoder: they interpolate between random latents.
    if (kind === 'gan') return (await import('../../models/gan/interpolate.js')).runGanInterpolate(argv);
    const a = parse(argv, options, 'interpolate');
    const [dir, ...extra] = a.positionals;
    if (!dir) throw new UserError('interpolate: name the run directory');
    if (extra.length) throw new UserError(`interpolate: unexpected argument '${extra[0]}'`);
    const out = str(a, 'out');
    if (out === undefined) throw new UserError('interpolate: --out FILE is required');
    checkOutFile(out);
    const steps = int(a, 'steps', 10, 2)!;
    const pairs = int(a, 'pairs', 8, 1)!;
    const mode = choice(a, 'mode', ['linear', 'spherical'] as const, 'linear');
    const seed = int(a, 'seed', 0, 0)!;
    const scale = int(a, 'scale', 2, 1)!;
    await startBackend(str(a, 'backend'));
    const run = await loadVaeRun(dir, 'interpolate');
    try {
      const spec = str(a, 'data', run.dataSource);
      const ds = await loadImages(spec, 'interpolate');
      checkShape(ds, run.data.shape, spec);
      const x = pickImages(ds, 2 * pairs, new Rng(seed), run.model.config.binarize);
      const strips = tf.tidy(() => interpolationStrips(run.model, tf.slice(x, 0, pairs), tf.slice(x, pairs, pairs), steps, mode));
      try {
        await writeImageGrid(out, strips, { cols: steps + 2, scale });
      } finally {
        tf.dispose([x, strips]);
      }
      console.log(`wrote ${out}`);
    } finally {
      run.dispose();
    }
    return 0;
  },
};
