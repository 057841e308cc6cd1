/**
 * The group-normalisation op: the fused kernels of backend/kernels/group_norm.ts where the
 * backend has them (wasm, cpu), tfjs's composite ops elsewhere (webgl, webgpu, node).
 * Both compute y = (x - mean) / sqrt(var + eps) * gamma + beta over groups of C / G channels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM, GROUP_NORM_GRAD, groupNormConfigs } from '../backend/kernels/group_norm.js';
import { registerOnce } from '../backend/kernels/register.js';

/** Composite reference: x [B, H, W, C] -> [B, H, W, C]. */
export function groupNormComposite(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const [b, , , c] = x.shape;
    const xg = tf.reshape(x, [b, -1, groups, c / groups]); // [B, HW, G, C/G]
    const { mean, variance } = tf.moments(xg, [1, 3], true); // [B, 1, G, 1]
    const xn = tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(tf.reshape(xn, x.shape), gamma), beta);
  });
}

/** Fused group norm with its own gradient (dx, dgamma, dbeta); x [B, H, W, C] -> [B, H, W, C]. */
export function groupNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps: number, fused = true): tf.Tensor {
  registerOnce(groupNormConfigs);
  if (!fused || x.dtype !== 'float32' || !tf.getKernel(GROUP_NORM, tf.getBackend())) return groupNormComposite(x, gamma, beta, groups, eps);
  const attrs = { groups, eps };
  const op = tf.customGrad((xt, g, bt, save) => {
    const [y, mean, rstd] = tf.engine().runKernel(GROUP_NORM, { x: xt as tf.Tensor, gamma: g as tf.Tensor, beta: bt as tf.Tensor }, attrs) as tf.Tensor[];
    (save as tf.GradSaveFunc)([xt as tf.Tensor, g as tf.Tensor, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, sm, sr] = saved;
        return tf.engine().runKernel(GROUP_NORM_GRAD, { dy: dy as tf.Tensor, x: sx, gamma: sg, mean: sm, rstd: sr }, { groups }) as tf.Tensor[];
      },
    };
  });
  return tf.tidy(() => op(x, gamma, beta)); // frees mean and rstd; the tape keeps its own copies
}
