/** Parameter-free activations, usable as layers in a Sequential. */
import * as tf from '@tensorflow/tfjs-core';
import { SILU_GRAD } from '../backend/kernels/silu.js';

export const relu = (x: tf.Tensor): tf.Tensor => tf.relu(x);
export const tanh = (x: tf.Tensor): tf.Tensor => tf.tanh(x);
export const sigmoid = (x: tf.Tensor): tf.Tensor => tf.sigmoid(x);
/**
 * SiLU / swish: x * sigmoid(x). Where the backend has genlab's fused gradient kernel (wasm),
 * the gradient is that one pass from the saved sigmoid (backend/kernels/silu.ts) instead of
 * tfjs's six; elsewhere tfjs differentiates the product.
 */
export const silu = (x: tf.Tensor): tf.Tensor =>
  x.dtype === 'float32' && tf.getKernel(SILU_GRAD, tf.getBackend()) ? siluFused(x) : tf.tidy(() => tf.mul(x, tf.sigmoid(x)));

const siluFused = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const s = tf.sigmoid(x);
  save([x, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(SILU_GRAD, { dy, x: saved[0], s: saved[1] }) as tf.Tensor,
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
export const leakyRelu = (alpha = 0.2) => (x: tf.Tensor): tf.Tensor => tf.leakyRelu(x, alpha);
export const flatten = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [x.shape[0], -1]);
export const reshape = (shape: number[]) => (x: tf.Tensor): tf.Tensor => tf.reshape(x, [x.shape[0], ...shape]);
