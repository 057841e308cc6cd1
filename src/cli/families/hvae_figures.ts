/**
 * The hvae runs' figure commands: test images above their reconstructions, and interpolation
 * strips at a chosen layer (src/models/hvae/figures.ts): --layer 1 fixes the top and varies the
 * bottom, --layer L (the default) fixes the bottom's noise and varies the top.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../backend/index.js';
import { loadSource } from '../../data/index.js';
import type { ImageDataset } from '../../data/types.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { reconstructionGrid } from '../../models/vae/figures.js';
import { pickImages } from '../../models/vae/images.js';
import { layerInterpolationStrips } from '../../models/hvae/figures.js';
import { loadHvaeRun, type LoadedHvaeRun } from '../../models/hvae/run.js';
import type { HvaeConfig } from '../../models/hvae/config.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { resolveRunPath } from '../../train/load_run.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { choice, int, str, type ParsedArgs } from '../args.js';
import { checkOutFile } from '../out_path.js';
import type { FigureCommand, FigureName } from './types.js';

const s = { type: 'string' } as const;

/** The run's test images (or --data's), checked against the model's shape. */
async function testImages(a: ParsedArgs, run: LoadedHvaeRun, command: string): Promise<ImageDataset> {
  const spec = str(a, 'data', run.dataSource)!;
  const ds = await loadSource(spec, { split: /:(train|test)$/.test(spec) ? undefined : 'test' });
  if (ds.kind !== 'images') throw new UserError(`${command}: --data ${spec} holds 2-D points; this command needs images`);
  const got = [ds.height, ds.width, ds.channels];
  if (got.join() !== run.data.shape.join()) throw new UserError(`--data ${spec}: images are ${got.join('x')} but the run's model takes ${run.data.shape.join('x')}`);
  return ds;
}

function outFile(a: ParsedArgs, command: string): string {
  const out = str(a, 'out');
  if (out === undefined) throw new UserError(`${command}: --out FILE is required`);
  checkOutFile(out);
  return out;
}

async function startBackend(a: ParsedArgs): Promise<void> {
  await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto'), threads: int(a, 'threads', undefined, 1) });
}

const reconstruct: FigureCommand = {
  options: { data: s, n: s, cols: s, seed: s, scale: s, out: s, backend: s, threads: s },
  async run(a, dir) {
    const out = outFile(a, 'reconstruct');
    const n = int(a, 'n', 16, 1)!;
    const cols = int(a, 'cols', Math.min(n, 8), 1)!;
    const seed = int(a, 'seed', 0, 0)!;
    const scale = int(a, 'scale', 2, 1)!;
    await startBackend(a);
    const run = await loadHvaeRun(resolveRunPath(dir), 'reconstruct');
    try {
      const x = pickImages(await testImages(a, run, 'reconstruct'), n, new Rng(seed), run.model.config.binarize);
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
  options: { data: s, steps: s, pairs: s, mode: s, layer: s, seed: s, scale: s, out: s, backend: s, threads: s },
  async run(a, dir) {
    const out = outFile(a, 'interpolate');
    const steps = int(a, 'steps', 10, 2)!;
    const pairs = int(a, 'pairs', 8, 1)!;
    const mode = choice(a, 'mode', ['linear', 'spherical'] as const, 'linear');
    const layerFlag = int(a, 'layer', undefined, 1);
    const seed = int(a, 'seed', 0, 0)!;
    const scale = int(a, 'scale', 2, 1)!;
    // The layer is checked against the saved config, before the backend starts.
    const saved = (await readRunConfig(resolveRunPath(dir))).modelConfig as HvaeConfig;
    const layers = saved.latents.length;
    const layer = layerFlag ?? layers;
    if (layer > layers) throw new UserError(`--layer must be between 1 (bottom) and ${layers} (top) for ${dir}, got ${layer}`);
    await startBackend(a);
    const run = await loadHvaeRun(resolveRunPath(dir), 'interpolate');
    try {
      const x = pickImages(await testImages(a, run, 'interpolate'), 2 * pairs, new Rng(seed), run.model.config.binarize);
      const strips = tf.tidy(() => layerInterpolationStrips(run.model, tf.slice(x, 0, pairs), tf.slice(x, pairs, pairs), steps, layer, mode));
      try {
        await writeImageGrid(out, strips, { cols: steps + 2, scale });
      } finally {
        tf.dispose([x, strips]);
      }
      console.log(`wrote ${out} (layer ${layer} of ${run.model.layers})`);
    } finally {
      run.dispose();
    }
    return 0;
  },
};

export const hvaeFigures: Partial<Record<FigureName, FigureCommand>> = { reconstruct, interpolate };
