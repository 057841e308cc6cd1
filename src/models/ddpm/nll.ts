/**
 * The variational bound on -log p(x_0) (Ho et al. 2020, eq. 5) in bits per dimension:
 *   L = L_T + sum_{t=1}^{T-1} L_t' + L_0      (0-based timesteps; L_t' = KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t)))
 * The middle sum has T - 1 network evaluations per image; `timesteps` < T - 1 estimates it
 * without bias by stratified sampling: one t drawn uniformly in each of K equal strata,
 * each term weighted by its stratum's size.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { DdpmModel } from './model.js';
import { qSample, predictX0AndEps, posteriorMean } from './diffusion.js';
import { gaussianKl } from '../../math/gaussian_kl.js';
import { discretizedGaussianLogLikelihood, bitsPerDim } from './vlb.js';

export interface NllOptions {
  /** Middle-sum timesteps evaluated per image (T - 1 = all). */
  timesteps: number;
  rng: Rng;
}

export interface NllTerms {
  /** Per-image totals in nats. */
  totalNats: number[];
  prior: number[];
  decoder: number[];
  diffusion: number[];
}

/** Variance of p(x_{t-1} | x_t) at 0-based t >= 1; at t = 0 the decoder uses beta_tilde at t = 1 (Ho et al.'s clipped log-variance). */
function reverseVariance(model: DdpmModel, t: number): number {
  const s = model.schedule;
  if (model.config.variance === 'beta') return s.betas[t];
  return t === 0 ? s.posteriorVariance[1] : s.posteriorVariance[t];
}

/** x0: [B, H, W, C] images in [-1, 1] on the 256 levels. Returns per-image terms in nats. */
export function variationalBound(model: DdpmModel, x0: tf.Tensor, opts: NllOptions): NllTerms {
  const s = model.schedule;
  const T = s.T;
  const b = x0.shape[0];
  const net = model.net;
  const denoise = (x: tf.Tensor, t: number): tf.Tensor => net.apply(x, new Array(b).fill(t));
  const add = (acc: number[], v: ArrayLike<number>, w = 1): void => {
    for (let i = 0; i < acc.length; i++) acc[i] += w * v[i];
  };

  const prior = new Array(b).fill(0);
  const decoder = new Array(b).fill(0);
  const diffusion = new Array(b).fill(0);
  // L_T = KL(N(sqrt(abar_T) x0, (1 - abar_T) I) || N(0, I))
  add(prior, tf.tidy(() => gaussianKl(tf.mul(x0, Math.sqrt(s.alphaBar[T - 1])), 1 - s.alphaBar[T - 1], 0, 1)).dataSync());

  // Stratified timesteps over 1..T-1
  const K = Math.min(opts.timesteps, T - 1);
  const edges = Array.from({ length: K + 1 }, (_, k) => 1 + Math.round(((T - 1) * k) / K));
  for (let k = 0; k < K; k++) {
    const lo = edges[k];
    const width = edges[k + 1] - lo;
    if (width <= 0) continue;
    const t = lo + opts.rng.int(width);
    const eps = tf.tensor(opts.rng.normalArray(x0.size), x0.shape);
    const term = tf.tidy(() => {
      const xt = qSample(s, x0, t, eps);
      const muQ = posteriorMean(s, x0, xt, t);
      const { x0: x0Hat } = predictX0AndEps(s, model.config.prediction, xt, denoise(xt, t), t);
      const muP = posteriorMean(s, x0Hat, xt, t);
      return gaussianKl(muQ, s.posteriorVariance[t], muP, reverseVariance(model, t));
    });
    add(diffusion, term.dataSync(), width);
    tf.dispose([eps, term]);
  }

  // L_0 = -log p(x0 | x1): discretised Gaussian around the model mean at t = 0
  const eps = tf.tensor(opts.rng.normalArray(x0.size), x0.shape);
  const ll = tf.tidy(() => {
    const x1 = qSample(s, x0, 0, eps);
    const { x0: x0Hat } = predictX0AndEps(s, model.config.prediction, x1, denoise(x1, 0), 0);
    const mean = posteriorMean(s, x0Hat, x1, 0);
    return discretizedGaussianLogLikelihood(x0, mean, 0.5 * Math.log(reverseVariance(model, 0)));
  });
  add(decoder, ll.dataSync(), -1);
  tf.dispose([eps, ll]);

  const totalNats = prior.map((p, i) => p + diffusion[i] + decoder[i]);
  return { totalNats, prior, decoder, diffusion };
}

export function natsToBpd(nats: number, x0Shape: number[]): number {
  return bitsPerDim(nats, x0Shape.slice(1).reduce((a, c) => a * c, 1));
}
