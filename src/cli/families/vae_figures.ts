/**
 * The ae/vae runs' figure commands: test images above their reconstructions, latent
 * interpolation strips between pairs of test images, and the decoded 2-D latent plane with a
 * scatter of test encodings. The figures themselves are src/models/vae/figures.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { writeScatter } from '../../io/scatter.js';
import { encodeMeans, interpolationStrips, manifoldGrid } from '../../models/vae/figures.js';
import { pickImages } from '../../models/vae/images.js';
import { loadVaeRun } from '../../models/vae/run.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { choice, int, str } from '../args.js';
import { checkOutFile } from '../out_path.js';
import { reconstructCommand, requiredOut, runImages, startFigureBackend, stringOption as s, writeGrid } from './figure_common.js';
import type { FigureCommand, FigureName } from './types.js';

const reconstruct = reconstructCommand(loadVaeRun);

const interpolate: FigureCommand = {
  options: { data: s, steps: s, pairs: s, mode: s, seed: s, scale: s, out: s, backend: s, threads: s },
  async run(a, dir) {
    const out = requiredOut(a, 'interpolate');
    const steps = int(a, 'steps', 10, 2)!;
    const pairs = int(a, 'pairs', 8, 1)!;
    const mode = choice(a, 'mode', ['linear', 'spherical'] as const, 'linear');
    const seed = int(a, 'seed', 0, 0)!;
    const scale = int(a, 'scale', 2, 1)!;
    await startFigureBackend(a);
    const run = await loadVaeRun(dir, 'interpolate');
    try {
      const x = pickImages(await runImages(a, run, 'interpolate'), 2 * pairs, new Rng(seed), run.model.config.binarize);
      const strips = tf.tidy(() => interpolationStrips(run.model, tf.slice(x, 0, pairs), tf.slice(x, pairs, pairs), steps, mode));
      await writeGrid(out, strips, { cols: steps + 2, scale }, x);
      console.log(`wrote ${out}`);
    } finally {
      run.dispose();
    }
    return 0;
  },
};

const manifold: FigureCommand = {
  options: { out: s, scatter: s, size: s, data: s, n: s, scale: s, backend: s, threads: s },
  async run(a, dir) {
    const out = str(a, 'out');
    const scatter = str(a, 'scatter');
    if (out === undefined && scatter === undefined) throw new UserError('manifold: give --out FILE (latent grid) and/or --scatter FILE (encodings)');
    checkOutFile(out);
    checkOutFile(scatter, '--scatter');
    const size = int(a, 'size', 20, 2)!;
    const scale = int(a, 'scale', 1, 1)!;
    const limit = int(a, 'n', undefined, 1);
    await startFigureBackend(a);
    const run = await loadVaeRun(dir, 'manifold');
    try {
      if (run.model.latentDim !== 2) {
        throw new UserError(`manifold: needs a 2-D latent but ${dir} has ${run.model.latentDim}; train with --latent 2`);
      }
      if (run.data.kind !== 'images') throw new UserError(`manifold: ${dir} models 2-D points, not images`);
      if (out !== undefined) {
        await writeGrid(out, manifoldGrid(run.model, size), { cols: size, scale, pad: 1 });
        console.log(`wrote ${out}`);
      }
      if (scatter !== undefined) {
        const ds = await runImages(a, run, 'manifold');
        const n = Math.min(ds.n, limit ?? ds.n);
        const per = ds.height * ds.width * ds.channels;
        const x = tf.tensor4d(ds.pixels.subarray(0, n * per), [n, ds.height, ds.width, ds.channels]);
        const mu = encodeMeans(run.model, x);
        x.dispose();
        await writeScatter(scatter, mu, { labels: ds.labels?.subarray(0, n), radius: 2, alpha: 0.6 });
        console.log(`wrote ${scatter}`);
      }
    } finally {
      run.dispose();
    }
    return 0;
  },
};

export const vaeFigures: Partial<Record<FigureName, FigureCommand>> = { reconstruct, interpolate, manifold };
