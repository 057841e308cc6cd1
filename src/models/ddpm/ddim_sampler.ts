/**
 * DDIM (Song et al. 2021, eq. 12) over a subsequence tau of the T timesteps:
 *   x_prev = sqrt(abar_prev) x0_hat + sqrt(1 - abar_prev - sigma^2) eps_hat + sigma z,
 *   sigma  = eta sqrt((1 - abar_prev) / (1 - abar_t)) sqrt(1 - abar_t / abar_prev),
 * with abar_prev = 1 after the last step. eta = 0 is deterministic; eta = 1 over all T steps
 * has sigma^2 = beta_tilde_t and is the DDPM ancestral sampler.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';
import { predictX0AndEps, type Prediction } from './diffusion.js';
import type { Sampler, StepResult } from './sampler.js';

/** How the visited timesteps are spread: 'leading' (0, k, 2k, ...) as in the DDIM paper, or 'trailing' (ending at T-1). */
export type TimestepSpacing = 'leading' | 'trailing';

export interface DdimSamplerOptions {
  prediction: Prediction;
  steps: number;
  eta: number;
  clipX0: boolean;
  spacing: TimestepSpacing;
}

export function ddimTimesteps(T: number, steps: number, spacing: TimestepSpacing): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new Error(`DDIM steps must be an integer in 1..${T}, got ${steps}`);
  const ts: number[] = [];
  if (spacing === 'leading') {
    const k = Math.floor(T / steps);
    for (let j = steps - 1; j >= 0; j--) ts.push(j * k);
  } else {
    const k = T / steps;
    for (let j = steps; j >= 1; j--) ts.push(Math.round(j * k) - 1);
  }
  return ts;
}

export class DdimSampler implements Sampler {
  readonly timesteps: number[];
  private readonly prevOf = new Map<number, number>();
  constructor(readonly schedule: NoiseSchedule, readonly opts: DdimSamplerOptions) {
    this.timesteps = ddimTimesteps(schedule.T, opts.steps, opts.spacing);
    this.timesteps.forEach((t, j) => this.prevOf.set(t, j + 1 < this.timesteps.length ? this.timesteps[j + 1] : -1));
  }

  /** abar at the timestep after t in the visited sequence (1 after the last). */
  private abarPrev(t: number): number {
    const p = this.prevOf.get(t);
    if (p === undefined) throw new Error(`timestep ${t} is not in this DDIM schedule`);
    return p < 0 ? 1 : this.schedule.alphaBar[p];
  }

  sigma(t: number): number {
    const a = this.schedule.alphaBar[t];
    const ap = this.abarPrev(t);
    return this.opts.eta * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(1 - a / ap);
  }

  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, noise: tf.Tensor | null): StepResult {
    return tf.tidy(() => {
      const { x0, eps } = predictX0AndEps(this.schedule, this.opts.prediction, sample, modelOutput, t);
      let x0Used = x0;
      let epsUsed = eps;
      if (this.opts.clipX0) {
        // Re-derive eps from the clipped x0 so the two stay consistent with x_t.
        x0Used = tf.clipByValue(x0, -1, 1);
        const a = this.schedule.alphaBar[t];
        epsUsed = tf.div(tf.sub(sample, tf.mul(x0Used, Math.sqrt(a))), Math.sqrt(1 - a));
      }
      const ap = this.abarPrev(t);
      const sigma = this.sigma(t);
      const dirCoef = Math.sqrt(Math.max(1 - ap - sigma * sigma, 0));
      let prev = tf.add(tf.mul(x0Used, Math.sqrt(ap)), tf.mul(epsUsed, dirCoef));
      if (sigma > 0 && noise) prev = tf.add(prev, tf.mul(noise, sigma));
      return { prevSample: prev, predX0: x0Used };
    });
  }
}
