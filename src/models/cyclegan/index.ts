/**
 * The 'cyclegan' model family (Zhu et al. 2017): unpaired translation between domain A (the
 * run's data) and domain B (its stream 'b'). `genlab train cyclegan --data-a SOURCE --data-b
 * SOURCE` (src/cli/families/cyclegan.ts); `genlab translate RUN` draws the translation figure.
 *
 * At each sample period the family writes samples/a2b-step-N.png and b2a-step-N.png: eight
 * fixed test images of each domain, their translations and reconstructions (rows), and the
 * report shows the first and the last of them.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { DataShape, ModelFamily, RunConfig, TrainableModel } from '../../train/types.js';
import type { ImageDataset } from '../../data/types.js';
import { loadSource } from '../../data/load.js';
import { folderHasSplits } from '../../data/folder.js';
import { stepName } from '../../train/checkpoint_core.js';
import { writeImageGrid } from '../../io/image_grid.js';
import type { Rng } from '../../util/rng.js';
import { cycleganConfigSchema, defaultConfig, defaultTraining, validateConfig, type CycleganConfig } from './config.js';
import { CycleganModel, type Direction } from './model.js';
import { translationFigure } from './translation_figure.js';

export { CycleganModel, type Direction } from './model.js';
export type { CycleganConfig } from './config.js';
export { translationFigure } from './translation_figure.js';

/** Images shown in the periodic figures, per domain. */
const FIGURE_IMAGES = 8;

/** A source's test split (whatever split its spec names: the figures show held-out images). */
export function testSpec(spec: string): string {
  return `${spec.replace(/:(train|test)$/, '')}:test`;
}

/** The sources of a run's two domains, from its config. */
export function domainSources(config: RunConfig): { a: string; b: string } {
  const b = config.training.streams?.b;
  if (!b) throw new Error('cyclegan run without training.streams.b');
  return { a: config.training.data, b };
}

/**
 * The first n images of a source for the periodic figures, [n, H, W, C] in [0, 1]: its test
 * split, or, for a folder without train/ and test/ subfolders (which has no test split), its
 * own first images, so that such a run does not fail at its first figure after training.
 */
export async function figureImages(spec: string, n: number): Promise<tf.Tensor4D> {
  const splitless = spec.startsWith('folder:') && !(await folderHasSplits(folderDir(spec)));
  const ds = (await loadSource(splitless ? spec : testSpec(spec), { limit: n })) as ImageDataset;
  return tf.tensor4d(ds.pixels, [ds.n, ds.height, ds.width, ds.channels]);
}

/** The directory of a folder: source, without a :train or :test split suffix. */
function folderDir(spec: string): string {
  return spec.slice('folder:'.length).replace(/:(train|test)$/, '');
}

export const cycleganFamily: ModelFamily<CycleganConfig> = {
  name: 'cyclegan',
  summary: 'CycleGAN: unpaired image-to-image translation A <-> B (ResNet generators, PatchGAN, cycle and identity L1)',
  schema: cycleganConfigSchema,
  defaults(_data: DataShape) {
    return { model: defaultConfig(), training: defaultTraining() };
  },
  validate: validateConfig,
  create(config: CycleganConfig, data: DataShape, rng: Rng): TrainableModel {
    return new CycleganModel(config, data, rng);
  },
  dataOptions() {
    return { scaling: 'symmetric', binarize: 'none' }; // the generators end in tanh
  },
  async onSample(model, info) {
    if (!(model instanceof CycleganModel)) throw new Error('cyclegan onSample: not a CycleganModel');
    const config = JSON.parse(await readFile(join(info.dir, 'config.json'), 'utf8')) as RunConfig;
    const sources = domainSources(config);
    model.setTraining(false);
    try {
      for (const [direction, spec] of [['a2b', sources.a], ['b2a', sources.b]] as [Direction, string][]) {
        const x = await figureImages(spec, FIGURE_IMAGES);
        const cells = translationFigure(model, x, direction, FIGURE_IMAGES);
        x.dispose();
        await writeImageGrid(join(info.dir, 'samples', `${direction}-${stepName(info.step)}.png`), cells, { cols: FIGURE_IMAGES, scale: 2 });
      }
    } finally {
      model.setTraining(true);
    }
  },
  async reportSections(runDir: string) {
    const dir = join(runDir, 'samples');
    if (!existsSync(dir)) return [];
    const files = await readdir(dir);
    const html = ['<h2>Translations</h2>', '<p>rows: input, translation, reconstruction; the first and the last sample period</p>'];
    for (const direction of ['a2b', 'b2a']) {
      const own = files.filter((f) => f.startsWith(`${direction}-step-`) && f.endsWith('.png')).sort();
      const picks = own.length <= 2 ? own : [own[0], own[own.length - 1]];
      for (const f of picks) html.push(`<figure><img src="samples/${f}" width="480"><figcaption>${f.replace('.png', '')}</figcaption></figure>`);
    }
    return [html.join('\n')];
  },
};
