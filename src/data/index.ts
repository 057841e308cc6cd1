/** Data sources, batching and dataset summaries. */
export type { Dataset, DatasetInfo, ImageDataset, PointDataset, LoadOptions, Split, BatcherState } from './types.js';
export { loadSource, clearDataCache, TOY_DEFAULT_N } from './load.js';
export { describeDataset } from './describe.js';
export { Batcher, type Batch, type BatchArrays, type BatcherOptions, type Scaling, type Binarize } from './batcher.js';
export { parseSpec, sourceName, sourceHelp, DEFAULT_SOURCE, type SourceSpec, type SourceType } from './spec.js';
export { toyNames, toyModes, sampleToy, type ToyName, type ToySample } from './toy.js';
export { fashionMnistClasses, FASHION_MNIST_DIR } from './fashion_mnist.js';
export { parseIdx, encodeIdx, type IdxArray } from './idx.js';
export { readIdx } from './idx_file.js';
export { stratifiedTestCounts } from './mnist.js';
