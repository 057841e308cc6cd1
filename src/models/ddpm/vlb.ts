/**
 * Terms of the variational bound (Ho et al. 2020, eq. 5), per example, in nats:
 *   L = L_T + sum_{t=2..T} L_{t-1} + L_0,
 *   L_T     = KL(q(x_T | x_0) || N(0, I)),
 *   L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t)),
 *   L_0     = -log p(x_0 | x_1), a Gaussian discretised to the 256 pixel levels of [-1, 1].
 * (Paper steps; with 0-based timesteps t the middle terms run over t = 1..T-1 and L_0 is at t = 0.)
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Elementwise KL(N(m1, v1) || N(m2, v2)) = 0.5 (log(v2 / v1) + (v1 + (m1 - m2)^2) / v2 - 1),
 * summed over every axis but the first: [B, ...] -> [B].
 */
export function gaussianKl(m1: tf.Tensor, v1: number | tf.Tensor, m2: tf.Tensor | number, v2: number | tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const d = tf.square(tf.sub(m1, m2));
    const kl = tf.mul(0.5, tf.sub(tf.add(tf.log(tf.div(v2, v1)), tf.div(tf.add(v1, d), v2)), 1));
    return sumPerExample(kl);
  });
}

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

function sumPerExample(t: tf.Tensor): tf.Tensor1D {
  const axes = t.shape.slice(1).map((_, i) => i + 1);
  return (axes.length ? tf.sum(t, axes) : t) as tf.Tensor1D;
}

/** Nats per image to bits per dimension: nats / (D ln 2). */
export function bitsPerDim(nats: number, dims: number): number {
  return nats / (dims * Math.LN2);
}
