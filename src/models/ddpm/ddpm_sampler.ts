/**
 * Ancestral sampling, Ho et al. (2020) Algorithm 2:
 *   x_{t-1} = mu_tilde(x_t, x0_hat) + sigma_t z,   z ~ N(0, I) for t > 0, z = 0 at t = 0,
 * where x0_hat comes from the network output (optionally clipped to [-1, 1]) and
 * sigma_t^2 = beta_t ('beta', fixed_large) or beta_tilde_t ('beta_tilde', fixed_small).
 * Without clipping, mu_tilde(x_t, x0_hat) equals the eps form (x_t - beta_t/sqrt(1-abar_t) eps)/sqrt(alpha_t).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';
import { predictX0AndEps, posteriorMean, type Prediction } from './diffusion.js';
import type { Sampler, StepResult } from './sampler.js';

export type VarianceKind = 'beta' | 'beta_tilde';

export interface DdpmSamplerOptions {
  prediction: Prediction;
  variance: VarianceKind;
  /** Clip the predicted x0 to [-1, 1] before forming the mean (data scaled to [-1, 1]). */
  clipX0: boolean;
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

  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, noise: tf.Tensor | null): StepResult {
    return tf.tidy(() => {
      const { x0 } = predictX0AndEps(this.schedule, this.opts.prediction, sample, modelOutput, t);
      const x0Used = this.opts.clipX0 ? tf.clipByValue(x0, -1, 1) : x0;
      const mean = posteriorMean(this.schedule, x0Used, sample, t);
      const sigma = this.sigma(t);
      const prevSample = sigma > 0 && noise ? tf.add(mean, tf.mul(noise, sigma)) : mean;
      return { prevSample, predX0: x0Used };
    });
  }
}
