/**
 * The ae/vae runs' figure commands: test images above their reconstructions, latent
 * interpolation strips between pairs of test images, and the decoded 2-D latent plane with a
 * scatter of test encodings. The figures themselves are src/models/vae/figures.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../backend/index.js';
import { loadSource } from '../../data/index.js';
import type { ImageDataset } from '../../data/types.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { writeScatter } from '../../io/scatter.js';
import { encodeMeans, interpolationStrips, manifoldGrid, reconstructionGrid } from '../../models/vae/figures.js';
import { pickImages } from '../../models/vae/images.js';
import { loadVaeRun } from '../../models/vae/run.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { choice, int, str, type OptionSpec } from '../args.js';
import { checkOutFile } from '../out_path.js';
import type { FigureCommand, FigureName } from './types.js';

/** Loads the images of `spec` (test split unless the spec names one). */
async function loadImages(spec: string, command: string): Promise<ImageDataset> {
  const split = /:(train|test)$/.test(spec) ? undefined : 'test';
  const ds = await loadSource(spec, { split });
  if (ds.kind !== 'images') throw new UserError(`${command}: --data ${spec} holds 2-D points; this command needs images`);
  return ds;
}

/** Checks the images have the shape the model was built for. */
function checkShape(ds: ImageDataset, shape: number[], spec: string): void {
  const got = [ds.height, ds.width, ds.channels];
  if (got.join() !== shape.join()) throw new UserError(`--data ${spec}: images are ${got.join('x')} but the run's model takes ${shape.join('x')}`);
}

/** The --backend option of the figure commands, as in `genlab sample`. */
async function startBackend(backend: string | undefined): Promise<void> {
  const allowed = ['auto', 'wasm', 'cpu', 'node'] as const;
  const c = backend ?? 'auto';
  if (!(allowed as readonly string[]).includes(c)) throw new UserError(`--backend must be one of ${allowed.join('|')}, got '${c}'`);
  await initBackend({ backend: c as (typeof allowed)[number] });
}

const s = { type: 'string' } as const;

const reconstruct: FigureCommand = {
  options: { data: s, n: s, cols: s, seed: s, scale: s, out: s, backend: s } satisfies OptionSpec,
  async run(a, dir) {
    const out = str(a, 'out');
    if (out === undefined) throw new UserError('reconstruct: --out FILE is required');
    checkOutFile(out);
    const n = int(a, 'n', 16, 1)!;
    const cols = int(a, 'cols', Math.min(n, 8), 1)!;
    const seed = int(a, 'seed', 0, 0)!;
    const scale = int(a, 'scale', 2, 1)!;
    await startBackend(str(a, 'backend'));
    const run = await loadVaeRun(dir, 'reconstruct');
    try {
      const spec = str(a, 'data', run.dataSource);
      const ds = await loadImages(spec, 'reconstruct');
      checkShape(ds, run.data.shape, spec);
      const x = pickImages(ds, n, new Rng(seed), run.model.config.binarize);
      const grid = reconstructionGrid(run.model, x, cols);
      try {
        await writeImageGrid(out, grid, { cols, scale });
      } finally {
        tf.dispose([x, grid]);
      }
      console.log(`wrote ${out}`);
    } finally {
      run.dispose();
    }
    return 0;
  },
};

const interpolate: FigureCommand = {
  options: { data: s, steps: s, pairs: s, mode: s, seed: s, scale: s, out: s, backend: s },
  async run(a, dir) {
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

const manifold: FigureCommand = {
  options: { out: s, scatter: s, size: s, data: s, n: s, scale: s, backend: s },
  async run(a, dir) {
    const out = str(a, 'out');
    const scatter = str(a, 'scatter');
    if (out === undefined && scatter === undefined) throw new UserError('manifold: give --out FILE (latent grid) and/or --scatter FILE (encodings)');
    checkOutFile(out);
    checkOutFile(scatter, '--scatter');
    const size = int(a, 'size', 20, 2)!;
    const scale = int(a, 'scale', 1, 1)!;
    const limit = int(a, 'n', undefined, 1);
    await startBackend(str(a, 'backend'));
    const run = await loadVaeRun(dir, 'manifold');
    try {
      if (run.model.latentDim !== 2) {
        throw new UserError(`manifold: needs a 2-D latent but ${dir} has ${run.model.latentDim}; train with --latent 2`);
      }
      if (run.data.kind !== 'images') throw new UserError(`manifold: ${dir} models 2-D points, not images`);
      if (out !== undefined) {
        const grid = manifoldGrid(run.model, size);
        try {
          await writeImageGrid(out, grid, { cols: size, scale, pad: 1 });
        } finally {
          grid.dispose();
        }
        console.log(`wrote ${out}`);
      }
      if (scatter !== undefined) {
        const spec = str(a, 'data', run.dataSource);
        const ds = await loadImages(spec, 'manifold');
        checkShape(ds, run.data.shape, spec);
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
