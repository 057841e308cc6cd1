/**
 * Opens a trained run (or a shipped `pretrained:<name>` model) for sampling and evaluation:
 * reads config.json, rebuilds the model and loads RUN/model (EMA weights where kept), or the
 * latest checkpoint when training has not finished.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { getFamily } from '../models/registry.js';
import { loadWeights, loadWeightsManifest, assignByName } from '../io/weights.js';
import { latestCheckpoint, readRunConfig } from './checkpoint.js';
import { loadSource } from '../data/index.js';
import { dataShapeOf } from './data_shape.js';
import type { DataShape, ModelFamily, RunConfig, TrainableModel } from './types.js';

export interface LoadedRun {
  dir: string;
  config: RunConfig;
  family: ModelFamily;
  model: TrainableModel;
  data: DataShape;
}

/** The package's own folder of shipped models. */
export function pretrainedDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pretrained');
}

export function resolveRunPath(spec: string): string {
  if (spec.startsWith('pretrained:')) {
    const name = spec.slice('pretrained:'.length);
    const dir = join(pretrainedDir(), name);
    if (!existsSync(join(dir, 'config.json'))) throw new UserError(`${spec}: no such pretrained model (looked in ${pretrainedDir()})`);
    return dir;
  }
  if (!existsSync(spec)) throw new UserError(`${spec}: no such run directory`);
  return spec;
}

export interface LoadRunOptions {
  /**
   * true (default): the weights to sample with, RUN/model (EMA weights where the run keeps an
   * EMA), else the latest checkpoint's EMA or live weights. false: the live (non-averaged)
   * weights of the latest checkpoint, or RUN/model when it holds no EMA.
   */
  ema?: boolean;
}

/** Where the weights to load are: a folder and the name of its manifest (NAME.json). */
async function pickWeights(dir: string, ema: boolean): Promise<{ dir: string; name: string }> {
  const finalDir = join(dir, 'model');
  const hasFinal = existsSync(join(finalDir, 'model.json'));
  if (ema && hasFinal) return { dir: finalDir, name: 'model' };
  const ck = await latestCheckpoint(dir);
  if (ck) return { dir: ck, name: ema && existsSync(join(ck, 'ema.json')) ? 'ema' : 'model' };
  if (hasFinal) {
    const meta = (await loadWeightsManifest(finalDir, 'model')).userDefinedMetadata;
    if (!ema && meta?.ema === true) throw new UserError(`${dir}: holds only EMA weights (model/), no checkpoint with the live weights`);
    return { dir: finalDir, name: 'model' };
  }
  throw new UserError(`${dir}: no trained weights yet (no model/ and no checkpoint)`);
}

/** Rebuilds a run's model and loads its weights (see LoadRunOptions); the model is in evaluation mode. */
export async function loadRun(spec: string, opts: LoadRunOptions = {}): Promise<LoadedRun> {
  const dir = resolveRunPath(spec);
  const config = await readRunConfig(dir);
  const family = await getFamily(config.model);
  const data = config.dataShape ?? dataShapeOf(await loadSource(config.training.data, { split: 'train' }));
  const { dir: weightsDir, name } = await pickWeights(dir, opts.ema ?? true);
  const model = family.create(config.modelConfig, data, new Rng(0));
  try {
    const { tensors } = await loadWeights(weightsDir, name);
    const vars = model.namedVariables();
    // An EMA file holds the parameters only; buffers come from the model file.
    const missing = vars.filter(([n]) => !tensors.has(n));
    if (missing.length && name === 'ema') {
      const rest = (await loadWeights(weightsDir, 'model')).tensors;
      for (const [n, t] of rest) {
        if (tensors.has(n)) t.dispose();
        else tensors.set(n, t);
      }
    }
    try {
      assignByName(vars, tensors, join(weightsDir, `${name}.json`));
    } finally {
      tf.dispose([...tensors.values()]);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  model.setTraining(false);
  return { dir, config, family, model, data };
}
