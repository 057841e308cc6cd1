/**
 * genlab's core, which runs anywhere (browser pages, Node, workers): no file system, no Node
 * built-ins. Tensors are NHWC float32 (tfjs-core); every source of randomness is an explicit
 * `Rng`. genlab/node (src/node/index.ts) adds run directories, file data sources, pictures,
 * `pretrained:` models and wasm threads under Node.
 */
export { initBackend, describeBackend, type BackendChoice, type BackendInfo, type InitBackendOptions } from './backend/core.js';
export { Rng, type RngState } from './util/rng.js';
export { UserError } from './util/errors.js';
export * as nn from './nn/index.js';
export { loadSource, TOY_DEFAULT_N } from './data/load_core.js';
export { describeDataset } from './data/describe.js';
export { Batcher, type Batch, type BatcherOptions, type Scaling, type Binarize } from './data/batcher.js';
export { parseSpec, type SourceSpec } from './data/spec.js';
export { toyNames, sampleToy, type ToyName } from './data/toy.js';
export { parseIdx, idxToImages, type IdxArray } from './data/idx.js';
export type { Dataset, ImageDataset, PointDataset, LoadOptions, Split, BatcherState } from './data/types.js';
export {
  trainCore,
  runBatcher,
  checkRunConfig,
  NonFiniteError,
  type TrainInput,
  type TrainHooks,
  type TrainFamily,
  type TrainCoreResult,
  type BatchSource,
  type SampleView,
  type LogRow,
} from './train/train_core.js';
export type { CheckpointContent, LoadedCheckpoint, TrainState } from './train/checkpoint_core.js';
export { loadRun, loadRunFrom, type LoadedRun, type LoadRunOptions, type RunLoader } from './train/load_run_core.js';
export { urlSource, type WeightsSource } from './io/weights_source.js';
export { readWeights, assignByName, type WeightsFile } from './io/weights_core.js';
export { modelMaker, type ModelMaker } from './models/model_classes.js';
export { DEFAULT_TRAINING } from './train/config.js';
export type { ModelFamily, TrainableModel, RunConfig, TrainingConfig, StepContext, DataShape } from './train/types.js';
export * as ddpm from './models/ddpm/core.js';
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
