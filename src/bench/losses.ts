/** Losses shared by the workloads. */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Binary cross-entropy with logits, summed: max(x, 0) - x z + log(1 + exp(-|x|)),
 * the overflow-free form of -[z log sigmoid(x) + (1 - z) log(1 - sigmoid(x))].
 */
export function bceWithLogitsSum(logits: tf.Tensor, targets: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() =>
    tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))))),
  ) as tf.Scalar;
}

export function bceWithLogitsMean(logits: tf.Tensor, targets: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() => tf.div(bceWithLogitsSum(logits, targets), logits.size)) as tf.Scalar;
}

export function mse(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(a, b)))) as tf.Scalar;
}
