/**
 * Batch normalisation in training mode: statistics per channel over every other axis,
 *   mean[c] = (1/n) sum x[..., c],  var[c] = (1/n) sum (x[..., c] - mean[c])^2,
 *   y = (x - mean) / sqrt(var + eps) * gamma + beta.
 * That is group normalisation of x viewed as one sample of n positions with one group per
 * channel, so it runs on the fused GroupNorm kernels (wasm, cpu) and their gradient; elsewhere
 * (webgl, webgpu, node) on tfjs's composite ops. In the dcgan benchmark the composite batch
 * norm's moments and gradients were ~100 ms of a ~410 ms step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM, GROUP_NORM_GRAD, groupNormConfigs } from '../backend/kernels/group_norm.js';
import { registerOnce } from '../backend/kernels/register.js';

export interface BatchNormResult {
  /** Normalised output, shaped like x. */
  y: tf.Tensor;
  /** Batch mean and biased batch variance [C], for running statistics (not meant for a loss). */
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/** Composite reference on tfjs ops; x [..., C]. */
export function batchNormComposite(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): BatchNormResult {
  return tf.tidy(() => {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes); // [C]
    const xn = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    const y = tf.add(tf.mul(xn, gamma), beta);
    return { y, mean, variance };
  });
}

/** Training-mode batch norm over all axes but the last; x [..., C]. */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number, fused = true): BatchNormResult {
  registerOnce(groupNormConfigs);
  if (!fused || x.dtype !== 'float32' || !tf.getKernel(GROUP_NORM, tf.getBackend())) return batchNormComposite(x, gamma, beta, eps);
  const c = x.shape[x.rank - 1];
  const n = x.size / c;
  const attrs = { groups: c, eps };
  let stats: tf.Tensor[] = [];
  const op = tf.customGrad((xt, g, bt, save) => {
    const [y, mean, rstd] = tf.engine().runKernel(GROUP_NORM, { x: xt as tf.Tensor, gamma: g as tf.Tensor, beta: bt as tf.Tensor }, attrs) as tf.Tensor[];
    (save as tf.GradSaveFunc)([xt as tf.Tensor, g as tf.Tensor, mean, rstd]);
    stats = [tf.keep(mean.clone()), tf.keep(rstd.clone())];
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, sm, sr] = saved;
        return tf.engine().runKernel(GROUP_NORM_GRAD, { dy: dy as tf.Tensor, x: sx, gamma: sg, mean: sm, rstd: sr }, { groups: c }) as tf.Tensor[];
      },
    };
  });
  // x as [1, n, 1, C]: one sample, n positions, C groups of one channel.
  const y = tf.tidy(() => tf.reshape(op(tf.reshape(x, [1, n, 1, c]), gamma, beta), x.shape));
  const [mean1, rstd1] = stats;
  const mean = tf.reshape(mean1, [c]);
  // var = 1 / rstd^2 - eps
  const variance = tf.tidy(() => tf.sub(tf.reciprocal(tf.square(tf.reshape(rstd1, [c]))), eps));
  tf.dispose([mean1, rstd1]);
  return { y, mean, variance };
}
