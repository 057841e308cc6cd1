/**
 * What the image figure commands of the latent-variable families (vae_figures.ts, hvae_figures.ts)
 * share: the required --out file, the --backend/--threads start, the run's test images (or
 * --data's) checked against the model's shape, and the reconstruction grid command itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../backend/index.js';
import { loadSource } from '../../data/index.js';
import type { ImageDataset } from '../../data/types.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { reconstructionGrid } from '../../models/vae/figures.js';
import { pickImages } from '../../models/vae/images.js';
import type { VaeModel } from '../../models/vae/model.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { choice, int, str, type ParsedArgs } from '../args.js';
import { checkOutFile } from '../out_path.js';
import type { FigureCommand } from './types.js';

export const stringOption = { type: 'string' } as const;

/** A loaded run as the figure commands need it. */
export interface FigureRun<M> {
  model: M;
  data: { shape: number[] };
  /** The data source the run was trained on: the default for --data. */
  dataSource: string;
  dispose(): void;
}

/** --out FILE, required and checked before any work starts. */
export function requiredOut(a: ParsedArgs, command: string): string {
  const out = str(a, 'out');
  if (out === undefined) throw new UserError(`${command}: --out FILE is required`);
  checkOutFile(out);
  return out;
}

/** --backend and --threads, as in `genlab sample`. */
export async function startFigureBackend(a: ParsedArgs): Promise<void> {
  await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto'), threads: int(a, 'threads', undefined, 1) });
}

/** The images of --data (default: the run's source), test split unless the spec names one, checked against the model's shape. */
export async function runImages(a: ParsedArgs, run: FigureRun<unknown>, command: string): Promise<ImageDataset> {
  const spec = str(a, 'data', run.dataSource)!;
  const ds = await loadSource(spec, { split: /:(train|test)$/.test(spec) ? undefined : 'test' });
  if (ds.kind !== 'images') throw new UserError(`${command}: --data ${spec} holds 2-D points; this command needs images`);
  const got = [ds.height, ds.width, ds.channels];
  if (got.join() !== run.data.shape.join()) throw new UserError(`--data ${spec}: images are ${got.join('x')} but the run's model takes ${run.data.shape.join('x')}`);
  return ds;
}

/** Writes `grid` as a PNG grid and disposes it (and `others`). */
export async function writeGrid(out: string, grid: tf.Tensor, opts: { cols: number; scale: number; pad?: number }, ...others: tf.Tensor[]): Promise<void> {
  try {
    await writeImageGrid(out, grid, opts);
  } finally {
    tf.dispose([grid, ...others]);
  }
}

type Reconstructing = Pick<VaeModel, 'reconstruct'> & { config: { binarize: VaeModel['config']['binarize'] } };

/** `genlab reconstruct RUN`: test images above their reconstructions, for any run that `load` opens. */
export function reconstructCommand(load: (dir: string, command: string) => Promise<FigureRun<Reconstructing>>): FigureCommand {
  const s = stringOption;
  return {
    options: { data: s, n: s, cols: s, seed: s, scale: s, out: s, backend: s, threads: s },
    async run(a, dir) {
      const out = requiredOut(a, 'reconstruct');
      const n = int(a, 'n', 16, 1)!;
      const cols = int(a, 'cols', Math.min(n, 8), 1)!;
      const seed = int(a, 'seed', 0, 0)!;
      const scale = int(a, 'scale', 2, 1)!;
      await startFigureBackend(a);
      const run = await load(dir, 'reconstruct');
      try {
        const x = pickImages(await runImages(a, run, 'reconstruct'), n, new Rng(seed), run.model.config.binarize);
        await writeGrid(out, reconstructionGrid(run.model, x, cols), { cols, scale }, x);
        console.log(`wrote ${out}`);
      } finally {
        run.dispose();
      }
      return 0;
    },
  };
}
