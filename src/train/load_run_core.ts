/**
 * Opens a trained run for sampling and evaluation from any WeightsSource (a folder or a URL):
 * reads config.json, rebuilds the model and loads RUN/model (EMA weights where kept), or the
 * latest checkpoint when training has not finished. loadRun here takes URLs (browser-safe);
 * load_run.ts's takes paths and `pretrained:<name>` too (Node).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { readWeights, readWeightsManifest, assignByName } from '../io/weights_core.js';
import { urlSource, type WeightsSource } from '../io/weights_source.js';
import { modelMaker, type ModelMaker } from '../models/model_classes.js';
import { loadSource } from '../data/load_core.js';
import type { Dataset } from '../data/types.js';
import { latestCheckpointIn, readRunConfigFrom } from './checkpoint_core.js';
import { dataShapeOf } from './data_shape.js';
import type { DataShape, RunConfig, TrainableModel } from './types.js';

export interface LoadedRun<F extends ModelMaker = ModelMaker> {
  /** The run as named: a directory or a URL. */
  dir: string;
  config: RunConfig;
  family: F;
  model: TrainableModel;
  data: DataShape;
}

export interface LoadRunOptions {
  /**
   * true (default): the weights to sample with, RUN/model (EMA weights where the run keeps an
   * EMA), else the latest checkpoint's EMA or live weights. false: the live (non-averaged)
   * weights of the latest checkpoint, or RUN/model when it holds no EMA.
   */
  ema?: boolean;
}

/** What loading needs besides the run's files. */
export interface RunLoader<F extends ModelMaker> {
  /** The family (or just the model class) of config.json's `model`. */
  family(name: string): Promise<F>;
  /** The training data, for runs whose config.json predates `dataShape`. */
  data(spec: string): Promise<Dataset>;
}

/** Where the weights to load are: a folder of the run ('model', 'checkpoints/step-...') and the name of its manifest (NAME.json). */
async function pickWeights(source: WeightsSource, ema: boolean): Promise<{ folder: string; name: string }> {
  const hasFinal = await source.exists('model/model.json');
  if (ema && hasFinal) return { folder: 'model', name: 'model' };
  const ck = await latestCheckpointIn(source);
  if (ck) return { folder: ck, name: ema && (await source.exists(`${ck}/ema.json`)) ? 'ema' : 'model' };
  if (hasFinal) {
    const meta = (await readWeightsManifest(source, 'model', 'model')).userDefinedMetadata;
    if (!ema && meta?.ema === true) throw new UserError(`${source.root}: holds only EMA weights (model/), no checkpoint with the live weights`);
    return { folder: 'model', name: 'model' };
  }
  throw new UserError(`${source.root}: no trained weights yet (no model/ and no checkpoint)`);
}

/** Rebuilds a run's model and loads its weights (see LoadRunOptions); the model is in evaluation mode. */
export async function loadRunFrom<F extends ModelMaker>(source: WeightsSource, loader: RunLoader<F>, opts: LoadRunOptions = {}): Promise<LoadedRun<F>> {
  const config = await readRunConfigFrom(source);
  const family = await loader.family(config.model);
  const data = config.dataShape ?? dataShapeOf(await loader.data(config.training.data));
  const { folder, name } = await pickWeights(source, opts.ema ?? true);
  const model = family.create(config.modelConfig, data, new Rng(0));
  try {
    const { tensors } = await readWeights(source, folder, name);
    const vars = model.namedVariables();
    // An EMA file holds the parameters only; buffers come from the model file.
    const missing = vars.filter(([n]) => !tensors.has(n));
    if (missing.length && name === 'ema') {
      const rest = (await readWeights(source, folder, 'model')).tensors;
      for (const [n, t] of rest) {
        if (tensors.has(n)) t.dispose();
        else tensors.set(n, t);
      }
    }
    try {
      assignByName(vars, tensors, source.where(`${folder}/${name}.json`));
    } finally {
      tf.dispose([...tensors.values()]);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  model.setTraining(false);
  return { dir: source.root, config, family, model, data };
}

/**
 * Opens the run served at `url` (its folder: config.json, model/), e.g. a copy of the package's
 * pretrained/ddpm-mnist served beside the page.
 * @example
 *   const run = await loadRun(new URL('models/ddpm-mnist/', location.href));
 *   const images = run.model.sample(16, new Rng(0));   // [16, 28, 28, 1] in [0, 1]
 */
export async function loadRun(url: string | URL, opts: LoadRunOptions = {}): Promise<LoadedRun> {
  if (String(url).startsWith('pretrained:')) {
    throw new UserError(`${url}: pretrained models load by name with genlab/node; in a page, serve the package's pretrained/ folder and pass the model's URL`);
  }
  return loadRunFrom(urlSource(url), { family: modelMaker, data: (spec) => loadSource(spec, { split: 'train' }) }, opts);
}
