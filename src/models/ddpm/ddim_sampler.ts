/**
 * DDIM (Song et al. 2021, eq. 12) over a subsequence tau of the T timesteps:
 *   x_prev = sqrt(abar_prev) x0_hat + sqrt(1 - abar_prev - sigma^2) eps_hat + sigma z,
 *   sigma  = eta sqrt((1 - abar_prev) / (1 - abar_t)) sqrt(1 - abar_t / abar_prev),
 * with abar_prev = 1 after the last step. eta = 0 is deterministic; eta = 1 over all T steps
 * has sigma^2 = beta_tilde_t and is the DDPM ancestral sampler. x0_hat and eps_hat come from
 * predict.ts and must lie on one line with x_t, x_t = sqrt(abar_t) x0_hat + sqrt(1 - abar_t) eps_hat
 * (the loop re-derives eps_hat when it corrects x0_hat). After the last step (abar_prev = 1)
 * sigma = 0 and the direction term vanishes: the sample is x0_hat itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';
import type { X0Eps } from './predict.js';
import type { Sampler } from './sampler.js';

/**
 * How the visited timesteps are spread: 'leading' (0, k, 2k, ...) as in the DDIM paper,
 * 'trailing' (ending at T-1), or 'linspace' (both ends: T-1 down to 0, rounded; what ODE
 * solvers want, so that they start at full noise and their last jump to the clean end is tiny).
 */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

export interface DdimSamplerOptions {
  steps: number;
  eta: number;
  spacing: TimestepSpacing;
}

export function ddimTimesteps(T: number, steps: number, spacing: TimestepSpacing): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new Error(`DDIM steps must be an integer in 1..${T}, got ${steps}`);
  const ts: number[] = [];
  if (spacing === 'linspace') {
    if (steps === 1) return [T - 1];
    for (let j = steps - 1; j >= 0; j--) ts.push(Math.round(((T - 1) * j) / (steps - 1)));
  } else if (spacing === 'leading') {
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

  step(pred: X0Eps, t: number, _xt: tf.Tensor, noise: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      const ap = this.abarPrev(t);
      const sigma = this.sigma(t);
      const dirCoef = Math.sqrt(Math.max(1 - ap - sigma * sigma, 0)); // sqrt(1 - abar_prev - sigma^2)
      // x_prev = sqrt(abar_prev) x0_hat + sqrt(1 - abar_prev - sigma^2) eps_hat (+ sigma z)
      const prev = tf.add(tf.mul(pred.x0, Math.sqrt(ap)), tf.mul(pred.eps, dirCoef));
      return sigma > 0 && noise ? tf.add(prev, tf.mul(noise, sigma)) : prev;
    });
  }
}
