/**
 * The part of the 'gan' family the shared training loop needs (validate, create, dataOptions),
 * without the Node-side hooks (playground PNGs, report figures) that index.ts adds, so that a
 * page can train a GAN with trainCore exactly as `genlab train gan` does.
 */
import type { DataShape, RunConfig, TrainingConfig } from '../../train/types.js';
import type { TrainFamily } from '../../train/train_core.js';
import { DEFAULT_TRAINING, completeOptimizers, deepMerge } from '../../train/config.js';
import type { GanLoss } from './losses.js';
import { defaultConfig, defaultTraining, validateConfig, type GanConfig } from './config.js';
import { GanModel } from './model.js';

export const ganTrainFamily: TrainFamily<GanConfig> = {
  validate: validateConfig,
  create: (config, data, rng) => new GanModel(config, data, rng),
  dataOptions: () => ({ scaling: 'symmetric', binarize: 'none' }), // G ends in tanh: images live in [-1, 1]
};

/**
 * The run config `genlab train gan --data SOURCE --loss LOSS [--seed S] [--steps N]` builds:
 * the shared training defaults, the loss's defaults on this data over them, then the given
 * training fields, optimisers completed as the command line completes them.
 */
export function ganRunConfig(source: string, loss: GanLoss, data: DataShape, training: Partial<TrainingConfig> = {}, version = '0.1.0'): RunConfig<GanConfig> {
  const d = defaultTraining(loss, data);
  const t = deepMerge(deepMerge({ ...DEFAULT_TRAINING, data: source }, d), training) as TrainingConfig;
  // The GAN's two optimiser groups replace the shared 'model' one (as `genlab train` does).
  t.optimizers = completeOptimizers(training.optimizers ?? d.optimizers ?? t.optimizers);
  return { genlab: version, model: 'gan', training: t, modelConfig: defaultConfig(loss, data) };
}
