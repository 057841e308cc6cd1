/**
 * genlab's public API. Tensors are NHWC float32 (tfjs-core); every source of randomness is
 * an explicit `Rng`.
 */
export { initBackend, describeBackend, type BackendChoice, type BackendInfo } from './backend/index.js';
export { Rng, type RngState } from './util/rng.js';
export { UserError } from './util/errors.js';
export * as nn from './nn/index.js';
export { loadSource, describeDataset, Batcher, type Dataset, type ImageDataset, type PointDataset } from './data/index.js';
export { train, type TrainOptions, type TrainResult } from './train/loop.js';
export { loadRun, type LoadedRun } from './train/load_run.js';
export { DEFAULT_TRAINING } from './train/config.js';
export type { ModelFamily, TrainableModel, RunConfig, TrainingConfig, StepContext, DataShape } from './train/types.js';
export { getFamily, registerFamily } from './models/registry.js';
export * as ddpm from './models/ddpm/index.js';
export * as math from './math/index.js';
export { fid, featureStats, frechetDistance } from './eval/fid.js';
export { kid } from './eval/kid.js';
export { precisionRecall } from './eval/precision_recall.js';
export { mmd } from './eval/mmd.js';
export { modeCoverage } from './eval/modes.js';
export { inceptionScore } from './eval/inception_score.js';
export { boxMuller } from './distributions/box_muller.js';
export { fitGaussian, Gaussian } from './distributions/gaussian.js';
export { fitGmm, Gmm } from './distributions/gmm.js';
export { writeImageGrid } from './io/image_grid.js';
