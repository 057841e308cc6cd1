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
import { loadWeights, assignByName } from '../io/weights.js';
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

export async function loadRun(spec: string): Promise<LoadedRun> {
  const dir = resolveRunPath(spec);
  const config = await readRunConfig(dir);
  const family = await getFamily(config.model);
  const data = config.dataShape ?? dataShapeOf(await loadSource(config.training.data, { split: 'train' }));
  const model = family.create(config.modelConfig, data, new Rng(0));
  let weightsDir = join(dir, 'model');
  let name = 'model';
  if (!existsSync(join(weightsDir, 'model.json'))) {
    const ck = await latestCheckpoint(dir);
    if (!ck) {
      model.dispose();
      throw new UserError(`${dir}: no trained weights yet (no model/ and no checkpoint)`);
    }
    weightsDir = ck;
    name = existsSync(join(ck, 'ema.json')) ? 'ema' : 'model';
  }
  const { tensors } = await loadWeights(weightsDir, name);
  const vars = model.namedVariables();
  // An EMA file holds the parameters only; buffers come from the model file.
  const missing = vars.filter(([n]) => !tensors.has(n));
  if (missing.length && name === 'ema') {
    const rest = (await loadWeights(weightsDir, 'model')).tensors;
    for (const [n] of missing) tensors.set(n, rest.get(n)!);
  }
  assignByName(vars, tensors, join(weightsDir, `${name}.json`));
  tf.dispose([...tensors.values()]);
  model.setTraining(false);
  return { dir, config, family, model, data };
}
