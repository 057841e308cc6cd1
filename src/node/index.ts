/**
 * genlab for Node: the core (src/index.ts) plus what needs the file system or Node's threads.
 * Importing it makes initBackend start the wasm backend with threads under Node (and use
 * @tensorflow/tfjs-node when installed). Names it shares with the core are the Node versions:
 * loadSource reads every source, loadRun takes paths and `pretrained:<name>`, ddpm has the family.
 */
export * from '../index.js';
export { initBackend, describeBackend } from '../backend/index.js';
export { enableNative, describeNative, nativeStatus, type NativeMode, type NativeOptions, type NativeStatus } from '../backend/native/index.js';
export { loadSource, clearDataCache, readIdx, fashionMnistClasses, FASHION_MNIST_DIR } from '../data/index.js';
export { train, NanLossError, type TrainOptions, type TrainResult } from '../train/loop.js';
export { loadRun, resolveRunPath, pretrainedDir, type LoadedRun } from '../train/load_run.js';
export { saveCheckpoint, loadCheckpoint, readRunConfig } from '../train/checkpoint.js';
export { saveWeights, loadWeights } from '../io/weights.js';
export { dirSource } from '../io/dir_source.js';
export { getFamily, registerFamily } from '../models/registry.js';
export * as ddpm from '../models/ddpm/index.js';
export { writeImageGrid } from '../io/image_grid.js';
