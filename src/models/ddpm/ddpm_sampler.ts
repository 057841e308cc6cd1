/**
 * Ancestral sampling, Ho et al. (2020) Algorithm 2, stepped through the posterior q(x_{t-1} | x_t, x0):
 *   x_{t-1} = mu_tilde(x_t, x0_hat) + sigma_t z,   z ~ N(0, I) for t > 0, z = 0 at t = 0,
 *   mu_tilde(x_t, x0) = sqrt(abar_{t-1}) beta_t / (1 - abar_t) x0 + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) x_t,
 * where x0_hat is the predicted clean sample (predict.ts; clipped to [-1, 1] where configured,
 * possibly corrected by the loop) and sigma_t^2 = beta_t ('beta', fixed_large) or beta_tilde_t
 * ('beta_tilde', fixed_small). The step needs x0 only: with the x0 of an unclipped eps
 * prediction, mu_tilde equals the eps form (x_t - beta_t/sqrt(1-abar_t) eps)/sqrt(alpha_t).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';
import { posteriorMean } from './diffusion.js';
import type { X0Eps } from './predict.js';
import type { Sampler } from './sampler.js';

export type VarianceKind = 'beta' | 'beta_tilde';

export interface DdpmSamplerOptions {
  variance: VarianceKind;
}

export class DdpmSampler implements Sampler {
  readonly timesteps: number[];
  constructor(readonly schedule: NoiseSchedule, readonly opts: DdpmSamplerOptions) {
    this.timesteps = Array.from({ length: schedule.T }, (_, k) => schedule.T - 1 - k);
  }

  sigma(t: number): number {
    if (t === 0) return 0;
    return Math.sqrt(this.opts.variance === 'beta' ? this.schedule.betas[t] : this.schedule.posteriorVariance[t]);
  }

  step(pred: X0Eps, t: number, xt: tf.Tensor, noise: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      const mean = posteriorMean(this.schedule, pred.x0, xt, t); // mu_tilde(x_t, x0_hat)
      const sigma = this.sigma(t);
      return sigma > 0 && noise ? tf.add(mean, tf.mul(noise, sigma)) : mean;
    });
  }
}
