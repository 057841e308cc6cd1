/**
 * The hvae runs' figure commands: test images above their reconstructions, and interpolation
 * strips at a chosen layer (src/models/hvae/figures.ts): --layer 1 fixes the top and varies the
 * bottom, --layer L (the default) fixes the bottom's noise and varies the top.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pickImages } from '../../models/vae/images.js';
import { layerInterpolationStrips } from '../../models/hvae/figures.js';
import { loadHvaeRun } from '../../models/hvae/run.js';
import type { HvaeConfig } from '../../models/hvae/config.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { resolveRunPath } from '../../train/load_run.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { choice, int } from '../args.js';
import { reconstructCommand, requiredOut, runImages, startFigureBackend, stringOption as s, writeGrid } from './figure_common.js';
import type { FigureCommand, FigureName } from './types.js';

const reconstruct = reconstructCommand((dir, command) => loadHvaeRun(resolveRunPath(dir), command));

const interpolate: FigureCommand = {
  options: { data: s, steps: s, pairs: s, mode: s, layer: s, seed: s, scale: s, out: s, backend: s, threads: s },
  async run(a, dir) {
    const out = requiredOut(a, 'interpolate');
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
    await startFigureBackend(a);
    const run = await loadHvaeRun(resolveRunPath(dir), 'interpolate');
    try {
      const x = pickImages(await runImages(a, run, 'interpolate'), 2 * pairs, new Rng(seed), run.model.config.binarize);
      const strips = tf.tidy(() => layerInterpolationStrips(run.model, tf.slice(x, 0, pairs), tf.slice(x, pairs, pairs), steps, layer, mode));
      await writeGrid(out, strips, { cols: steps + 2, scale }, x);
      console.log(`wrote ${out} (layer ${layer} of ${run.model.layers})`);
    } finally {
      run.dispose();
    }
    return 0;
  },
};

export const hvaeFigures: Partial<Record<FigureName, FigureCommand>> = { reconstruct, interpolate };
