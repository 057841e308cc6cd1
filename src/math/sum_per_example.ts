/**
 * The per-example reduction of every log-density and KL term:
 *   s_b = sum_j x_{b, j}   over every axis after the first `batchDims`,
 * so x [B, ...] -> [B] (or [B, K, ...] -> [B, K] with batchDims = 2).
 */
import * as tf from '@tensorflow/tfjs-core';

export function sumPerExample(x: tf.Tensor, batchDims = 1): tf.Tensor1D {
  return tf.tidy(() => (x.rank === batchDims ? x : tf.sum(tf.reshape(x, [...x.shape.slice(0, batchDims), -1]), batchDims)) as tf.Tensor1D);
}
