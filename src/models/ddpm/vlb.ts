/**
 * Terms of the variational bound (Ho et al. 2020, eq. 5), per example, in nats:
 *   L = L_T + sum_{t=2..T} L_{t-1} + L_0,
 *   L_T     = KL(q(x_T | x_0) || N(0, I)),
 *   L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t)),
 *   L_0     = -log p(x_0 | x_1), a Gaussian discretised to the 256 pixel levels of [-1, 1].
 * (Paper steps; with 0-based timesteps t the middle terms run over t = 1..T-1 and L_0 is at t = 0.)
 * The KL terms are Gaussian KLs in closed form (src/math/gaussian_kl.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumPerExample } from '../../math/sum_per_example.js';

/** Standard normal CDF by the tanh approximation used for the discretised decoder (accurate to ~1e-4, as in Ho et al.'s code). */
function approxStdNormalCdf(x: tf.Tensor): tf.Tensor {
  return tf.mul(0.5, tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
}

/**
 * log p(x_0 | x_1) for data on the 256 levels of [-1, 1]: the mass of N(mean, exp(logScale)^2)
 * over the bin [x - 1/255, x + 1/255], the outer bins extended to -inf and +inf.
 * Returns the sum over every axis but the first: [B, ...] -> [B].
 */
export function discretizedGaussianLogLikelihood(x: tf.Tensor, mean: tf.Tensor, logScale: number): tf.Tensor1D {
  return tf.tidy(() => {
    const centered = tf.sub(x, mean);
    const invStd = Math.exp(-logScale);
    const cdfPlus = approxStdNormalCdf(tf.mul(tf.add(centered, 1 / 255), invStd));
    const cdfMin = approxStdNormalCdf(tf.mul(tf.sub(centered, 1 / 255), invStd));
    const tiny = 1e-12;
    const logCdfPlus = tf.log(tf.maximum(cdfPlus, tiny));
    const logOneMinusCdfMin = tf.log(tf.maximum(tf.sub(1, cdfMin), tiny));
    const logMid = tf.log(tf.maximum(tf.sub(cdfPlus, cdfMin), tiny));
    const logProbs = tf.where(tf.less(x, -0.999), logCdfPlus, tf.where(tf.greater(x, 0.999), logOneMinusCdfMin, logMid));
    return sumPerExample(logProbs);
  });
}

/** Nats per image to bits per dimension: nats / (D ln 2). */
export function bitsPerDim(nats: number, dims: number): number {
  return nats / (dims * Math.LN2);
}
