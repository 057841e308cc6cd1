/**
 * `genlab interpolate GAN_RUN --steps 10 --out FILE`: latent interpolation (src/models/gan/latent_interpolation.ts).
 * For each pair of latents z_a, z_b ~ N(0, I), the generator's images along
 *   linear:     z(t) = (1 - t) z_a + t z_b
 *   spherical:  z(t) = [sin((1 - t) theta) z_a + sin(t theta) z_b] / sin(theta)
 * at `steps` values of t in [0, 1] (ends included). With mode 'both', each pair gets a linear
 * row followed by a spherical row.
 */
import { initBackend } from '../../backend/index.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { GanModel } from '../../models/gan/model.js';
import { latentInterpolation, type LatentPath } from '../../models/gan/latent_interpolation.js';
import { loadRun } from '../../train/load_run.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { choice, int, str } from '../args.js';
import { checkOutFile } from '../out_path.js';
import type { FigureCommand } from './types.js';

const s = { type: 'string' } as const;

export const ganInterpolate: FigureCommand = {
  options: { steps: s, pairs: s, mode: s, seed: s, scale: s, out: s, backend: s, threads: s },
  async run(a, dir) {
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
      // The adapter of a 'gan' run: its model is a GanModel (a programming error otherwise).
      if (!(run.model instanceof GanModel)) throw new Error(`${dir}: a gan run without a GanModel`);
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
  },
};
