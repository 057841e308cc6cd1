/**
 * KL divergence between diagonal Gaussians, in closed form, summed over every axis but the first:
 *   KL(N(m1, v1) || N(m2, v2)) = 1/2 sum_j [ log(v2_j / v1_j) + (v1_j + (m1_j - m2_j)^2) / v2_j - 1 ]
 * and its special case against the standard normal with v = exp(logvar) (Kingma & Welling 2014,
 * appendix B):
 *   KL(N(mu, diag exp(logvar)) || N(0, I)) = 1/2 sum_j [ mu_j^2 + exp(logvar_j) - logvar_j - 1 ]
 * The diffusion bound uses the first (Ho et al. 2020, eq. 5), the VAE's ELBO the second.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumPerExample } from './sum_per_example.js';

/** KL(N(m1, v1) || N(m2, v2)) per example: [B, ...] -> [B]. Variances and m2 may be numbers (broadcast). */
export function gaussianKl(m1: tf.Tensor, v1: number | tf.Tensor, m2: tf.Tensor | number, v2: number | tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const d = tf.square(tf.sub(m1, m2)); // (m1 - m2)^2
    const kl = tf.mul(0.5, tf.sub(tf.add(tf.log(tf.div(v2, v1)), tf.div(tf.add(v1, d), v2)), 1));
    return sumPerExample(kl);
  });
}

/** KL(N(mu, diag exp(logvar)) || N(0, I)) per example. mu, logvar: [B, D] -> [B]. */
export function klStdNormal(mu: tf.Tensor, logvar: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const terms = tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(logvar, 1)); // [B, D]
    return tf.mul(sumPerExample(terms), 0.5) as tf.Tensor1D;
  });
}
