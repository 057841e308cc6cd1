/**
 * Tensor forms of the forward process and the parameterisations of the network output.
 * t is 0-based (paper step i = t + 1); per-example timesteps come as plain number arrays,
 * so coefficients are built on the host and no gather (or its gradient) is needed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';

/** What the network predicts: the noise eps, the clean sample x0, or v = sqrt(abar) eps - sqrt(1 - abar) x0. */
export type Prediction = 'eps' | 'x0' | 'v';

/** Broadcastable per-example coefficient: values [B] -> tensor [B, 1, ..., 1] matching `like`'s rank. */
export function perExample(values: ArrayLike<number>, rank: number): tf.Tensor {
  const shape = [values.length, ...new Array(rank - 1).fill(1)];
  return tf.tensor(Float32Array.from(values), shape);
}

function coef(t: number[] | number, n: number, f: (t: number) => number): number[] {
  return typeof t === 'number' ? new Array(n).fill(f(t)) : t.map(f);
}

/** x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps   (closed form of q(x_t | x_0)). */
export function qSample(s: NoiseSchedule, x0: tf.Tensor, t: number[] | number, eps: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const b = x0.shape[0];
    const a = perExample(coef(t, b, (k) => Math.sqrt(s.alphaBar[k])), x0.rank);
    const c = perExample(coef(t, b, (k) => Math.sqrt(1 - s.alphaBar[k])), x0.rank);
    return tf.add(tf.mul(a, x0), tf.mul(c, eps));
  });
}

/** The regression target of each parameterisation: eps, x0, or v = sqrt(abar_t) eps - sqrt(1 - abar_t) x0. */
export function predictionTarget(s: NoiseSchedule, prediction: Prediction, x0: tf.Tensor, eps: tf.Tensor, t: number[] | number): tf.Tensor {
  if (prediction === 'eps') return tf.clone(eps);
  if (prediction === 'x0') return tf.clone(x0);
  return tf.tidy(() => {
    const b = x0.shape[0];
    const a = perExample(coef(t, b, (k) => Math.sqrt(s.alphaBar[k])), x0.rank);
    const c = perExample(coef(t, b, (k) => Math.sqrt(1 - s.alphaBar[k])), x0.rank);
    return tf.sub(tf.mul(a, eps), tf.mul(c, x0));
  });
}

/**
 * The predicted clean sample and noise from a network output at x_t:
 *   eps:  x0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)
 *   x0:   eps = (x_t - sqrt(abar_t) x0) / sqrt(1 - abar_t)
 *   v:    x0 = sqrt(abar_t) x_t - sqrt(1 - abar_t) v,   eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) v
 */
export function predictX0AndEps(
  s: NoiseSchedule,
  prediction: Prediction,
  xt: tf.Tensor,
  output: tf.Tensor,
  t: number[] | number,
): { x0: tf.Tensor; eps: tf.Tensor } {
  return tf.tidy(() => {
    const b = xt.shape[0];
    const sa = coef(t, b, (k) => Math.sqrt(s.alphaBar[k]));
    const sb = coef(t, b, (k) => Math.sqrt(1 - s.alphaBar[k]));
    const A = perExample(sa, xt.rank);
    const B = perExample(sb, xt.rank);
    if (prediction === 'eps') {
      const x0 = tf.div(tf.sub(xt, tf.mul(B, output)), A);
      return { x0, eps: tf.clone(output) };
    }
    if (prediction === 'x0') {
      const eps = tf.div(tf.sub(xt, tf.mul(A, output)), B);
      return { x0: tf.clone(output), eps };
    }
    const x0 = tf.sub(tf.mul(A, xt), tf.mul(B, output));
    const eps = tf.add(tf.mul(B, xt), tf.mul(A, output));
    return { x0, eps };
  });
}

/** mu_tilde(x_t, x0) = c0_t x0 + ct_t x_t   (posterior mean of q(x_{t-1} | x_t, x_0)). */
export function posteriorMean(s: NoiseSchedule, x0: tf.Tensor, xt: tf.Tensor, t: number[] | number): tf.Tensor {
  return tf.tidy(() => {
    const b = xt.shape[0];
    const c0 = perExample(coef(t, b, (k) => s.posteriorCoefX0[k]), xt.rank);
    const ct = perExample(coef(t, b, (k) => s.posteriorCoefXt[k]), xt.rank);
    return tf.add(tf.mul(c0, x0), tf.mul(ct, xt));
  });
}

/**
 * The reverse-process mean in the eps parameterisation (Ho et al. eq. 11):
 *   mu(x_t) = (x_t - beta_t / sqrt(1 - abar_t) eps) / sqrt(alpha_t).
 * Equal to posteriorMean(predicted x0, x_t); kept separate because the lecture states it so.
 */
export function epsMean(s: NoiseSchedule, xt: tf.Tensor, eps: tf.Tensor, t: number): tf.Tensor {
  return tf.tidy(() => {
    const k = s.betas[t] / Math.sqrt(1 - s.alphaBar[t]);
    return tf.div(tf.sub(xt, tf.mul(eps, k)), Math.sqrt(s.alphas[t]));
  });
}
