/** Parameter-free activations, usable as layers in a Sequential. */
import * as tf from '@tensorflow/tfjs-core';

export const relu = (x: tf.Tensor): tf.Tensor => tf.relu(x);
export const tanh = (x: tf.Tensor): tf.Tensor => tf.tanh(x);
export const sigmoid = (x: tf.Tensor): tf.Tensor => tf.sigmoid(x);
/** SiLU / swish: x * sigmoid(x). */
export const silu = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
export const leakyRelu = (alpha = 0.2) => (x: tf.Tensor): tf.Tensor => tf.leakyRelu(x, alpha);
export const flatten = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [x.shape[0], -1]);
export const reshape = (shape: number[]) => (x: tf.Tensor): tf.Tensor => tf.reshape(x, [x.shape[0], ...shape]);
