/**
 * genlab translate RUN --direction a2b|b2a --data SOURCE --n 64 --out FILE: a CycleGAN run's
 * translation figure (src/models/cyclegan/translation_figure.ts): groups of --cols images, each
 * giving three rows: input, translation, reconstruction.
 */
import * as tf from '@tensorflow/tfjs-core';
import { extname } from 'node:path';
import type { Command } from '../command.js';
import { parse, str, int, choice } from '../args.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { initBackend } from '../../backend/index.js';
import { checkOutFile } from '../out_path.js';
import { loadRun, resolveRunPath } from '../../train/load_run.js';
import { readRunConfig } from '../../train/checkpoint.js';
import { loadSource, parseSpec, type ImageDataset } from '../../data/index.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { CycleganModel, domainSources, testSpec, translationFigure, type Direction } from '../../models/cyclegan/index.js';

const usage = `usage: genlab translate RUN|pretrained:NAME --direction a2b|b2a [--data SOURCE] [--n 64] [--cols 8] [--scale 2] [--seed N] --out FILE.png [--backend auto|wasm|cpu|node] [--threads N]

Translates the first --n images of SOURCE with a CycleGAN run: a2b by G (domain A to B), b2a by F.
Images go in groups of --cols; each group is three rows: the inputs, their translations, and
their reconstructions (F(G(a)) or G(F(b))).
  --data SOURCE   images of the source domain; default the run's own source for it (test split;
                  a SOURCE without :train or :test also means its test split)
  --seed N        with a style code (train --style-dim): the seed of a2b's codes z ~ N(0, I) (default 0)`;

const OPTIONS = {
  direction: { type: 'string' }, data: { type: 'string' }, n: { type: 'string' }, cols: { type: 'string' }, scale: { type: 'string' }, seed: { type: 'string' },
  out: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' },
} as const;

export const command: Command = {
  name: 'translate',
  summary: 'translate images with a CycleGAN run: inputs, translations, reconstructions',
  usage,
  async run(argv) {
    const target = argv[0];
    if (!target || target.startsWith('-')) throw new UserError('translate: name a CycleGAN run directory or pretrained:NAME first');
    const a = parse(argv.slice(1), OPTIONS, 'translate');
    const dir = resolveRunPath(target);
    const config = await readRunConfig(dir);
    if (config.model !== 'cyclegan') throw new UserError(`translate: ${target} is a '${config.model}' run; translate takes a cyclegan run`);
    if (str(a, 'direction') === undefined) throw new UserError('--direction: missing; give a2b (G: A -> B) or b2a (F: B -> A)');
    const direction = choice(a, 'direction', ['a2b', 'b2a'] as const, 'a2b') as Direction;
    const n = int(a, 'n', 64, 1)!;
    const cols = int(a, 'cols', 8, 1)!;
    const scale = int(a, 'scale', 2, 1)!;
    const seed = int(a, 'seed', 0, 0)!;
    const out = str(a, 'out');
    if (out === undefined) throw new UserError('--out: missing; name the figure file (.png or .webp)');
    checkOutFile(out);
    if (!['.png', '.webp'].includes(extname(out).toLowerCase())) throw new UserError(`--out ${out}: use a .png or .webp file`);
    const sources = domainSources(config);
    const given = str(a, 'data');
    const spec = given ?? testSpec(direction === 'a2b' ? sources.a : sources.b);
    const split = parseSpec(spec).split ?? 'test';
    const ds = await loadSource(spec, parseSpec(spec).split ? {} : { split });
    if (ds.kind !== 'images') throw new UserError(`--data ${spec}: holds 2-D points; translate takes images`);
    const shape = config.dataShape;
    const want = direction === 'a2b' ? shape?.shape : shape?.streams?.b?.shape;
    if (want && (ds.height !== want[0] || ds.width !== want[1])) {
      throw new UserError(`--data ${spec}: images are ${ds.height}x${ds.width}, the run's domain ${direction === 'a2b' ? 'A' : 'B'} is ${want[0]}x${want[1]}`);
    }
    const widest = Math.max(shape?.shape[2] ?? 1, shape?.streams?.b?.shape[2] ?? 1);
    if (ds.channels > widest) throw new UserError(`--data ${spec}: RGB images, but the run translates greyscale ones`);

    await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto'), threads: int(a, 'threads', undefined, 1) });
    const run = await loadRun(target);
    try {
      if (!(run.model instanceof CycleganModel)) throw new Error('translate: the run did not load as a CycleganModel');
      const m = Math.min(n, ds.n);
      const images = tf.tensor4d((ds as ImageDataset).pixels.subarray(0, m * ds.height * ds.width * ds.channels), [m, ds.height, ds.width, ds.channels]);
      const cells = translationFigure(run.model, images, direction, cols, new Rng(seed));
      images.dispose();
      await writeImageGrid(out, cells, { cols, scale });
    } finally {
      run.model.dispose();
    }
    console.log(out);
    return 0;
  },
};
