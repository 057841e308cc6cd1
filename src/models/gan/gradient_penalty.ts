/**
 * The WGAN-GP gradient penalty (Gulrajani et al. 2017, Algorithm 1):
 *
 *   x_hat = a x + (1 - a) G(z),   a ~ U(0, 1), ONE a per sample (not per pixel, not normal)
 *   GP    = lambda E[(||grad_{x_hat} D(x_hat)||_2 - 1)^2]
 *
 * The norm is over all of a sample's dimensions. Differentiating GP with respect to the
 * critic's weights takes a second-order gradient, which tfjs's tape provides (the comparison
 * ops inside LeakyRelu's gradient get zero gradients in src/backend/register_gradients.ts).
 * The critic must treat samples independently (no batch norm), so that the gradient of
 * sum_b D(x_hat_b) with respect to x_hat_b is each sample's own gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';

/** a ~ U(0, 1), one per sample: [B]. Drawn from the run's seeded stream. */
export function drawMixingWeights(batch: number, rng: Rng): tf.Tensor1D {
  return tf.tensor1d(rng.uniformArray(batch, 0, 1));
}

/** x_hat = a x + (1 - a) fake, with a [B] broadcast over each sample's dimensions. */
export function interpolateSamples(real: tf.Tensor, fake: tf.Tensor, a: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const shape = [real.shape[0], ...real.shape.slice(1).map(() => 1)]; // [B, 1, 1, 1] or [B, 1]
    const w = tf.reshape(a, shape);
    return tf.add(tf.mul(w, real), tf.mul(tf.sub(1, w), fake));
  });
}

/** Per-sample gradient norms ||grad_x D(x)||_2 at each row of x: [B]. */
export function criticGradientNorms(critic: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const g = tf.grad((h: tf.Tensor) => tf.sum(critic(h)))(x);
    const axes = g.shape.slice(1).map((_, i) => i + 1);
    // A tiny floor keeps the square root differentiable where the gradient is exactly zero.
    return tf.sqrt(tf.add(tf.sum(tf.square(g), axes), 1e-12)) as tf.Tensor1D;
  });
}

/** lambda E[(||grad D(x_hat)|| - 1)^2] and the mean gradient norm (for diagnostics). */
export function gradientPenalty(critic: (x: tf.Tensor) => tf.Tensor, real: tf.Tensor, fake: tf.Tensor, a: tf.Tensor1D, lambda: number): { penalty: tf.Scalar; meanNorm: tf.Scalar } {
  return tf.tidy(() => {
    const norms = criticGradientNorms(critic, interpolateSamples(real, fake, a));
    return {
      penalty: tf.mul(lambda, tf.mean(tf.square(tf.sub(norms, 1)))) as tf.Scalar,
      meanNorm: tf.mean(norms) as tf.Scalar,
    };
  });
}
