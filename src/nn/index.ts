export { Module, Sequential } from './module.js';
export type { Layer, Applicable } from './module.js';
export { Dense, Conv2d, ConvTranspose2d, GroupNorm, BatchNorm, dropout } from './layers.js';
export type { Conv2dOptions, ConvTranspose2dOptions } from './layers.js';
export * from './activations.js';
export { timestepEmbedding } from './embedding.js';
export { ClassEmbedding } from './class_embedding.js';
export * as init from './init.js';
