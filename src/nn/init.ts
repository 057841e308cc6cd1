/**
 * Weight initialisers drawing from an explicit Rng, so a seed fixes every initial weight.
 * Defaults follow PyTorch's: kaiming-uniform with a = sqrt(5), which for a weight with
 * fan-in f is U(-1/sqrt(f), 1/sqrt(f)), and the bias the same bound.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.js';

export function uniform(rng: Rng, shape: number[], bound: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.uniformArray(n, -bound, bound), shape, 'float32');
}

export function normal(rng: Rng, shape: number[], std: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.normalArray(n, 0, std), shape, 'float32');
}

/** PyTorch's default for Linear and Conv weights: bound 1/sqrt(fanIn). */
export function torchDefault(rng: Rng, shape: number[], fanIn: number): tf.Tensor {
  return uniform(rng, shape, 1 / Math.sqrt(fanIn));
}

export function zeros(shape: number[]): tf.Tensor {
  return tf.zeros(shape);
}

export function ones(shape: number[]): tf.Tensor {
  return tf.ones(shape);
}
