/**
 * The two value ranges of images: [0, 1] (files, grids, the VAE's Bernoulli pixels) and
 * [-1, 1] (diffusion and GAN data, a tanh generator's output).
 *   to [-1, 1]:  x' = 2 x - 1
 *   to [0, 1]:   x  = clip((x' + 1) / 2, 0, 1)   (clipped: a model's output may overshoot)
 * Multiplying by 2 and by 1/2 is exact in floating point, so x -> 2x - 1 -> (x' + 1) / 2 gives
 * back x up to the one rounding of the subtraction.
 */
import * as tf from '@tensorflow/tfjs-core';

/** [0, 1] -> [-1, 1]: x' = 2 x - 1.  Any shape ([B, H, W, C] for images). */
export function unitToSymmetric(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(x, 2), 1));
}

/** [-1, 1] -> [0, 1]: x = clip((x' + 1) / 2, 0, 1).  Any shape ([B, H, W, C] for images). */
export function symmetricToUnit(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(tf.mul(tf.add(x, 1), 0.5), 0, 1));
}

/** In place on the host: x' = 2 x - 1 for every element (float32 arrays round as tf does). */
export function unitToSymmetricInPlace(x: Float32Array): Float32Array {
  for (let k = 0; k < x.length; k++) x[k] = 2 * x[k] - 1;
  return x;
}
