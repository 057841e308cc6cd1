/**
 * DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion
 * Probabilistic Models", Algorithm 2): a second-order multistep solver of the probability-flow
 * ODE in the data prediction m = x0(x_t, t) (see solver_steps.ts for alpha, sigma, lambda).
 *
 * From s = t_j (prediction m_j) to t = t_{j+1}, with h = lambda_t - lambda_s:
 *   first order (the first step, and the step to the clean end):
 *     x_t = (sigma_t / sigma_s) x_s - alpha_t (e^{-h} - 1) m_j                   (= DDIM, eta 0)
 *   second order, with the previous prediction m_{j-1} at u = t_{j-1}, r = (lambda_s - lambda_u) / h:
 *     D   = (1 + 1 / (2r)) m_j - (1 / (2r)) m_{j-1}
 *     x_t = (sigma_t / sigma_s) x_s - alpha_t (e^{-h} - 1) D
 * One network evaluation per step, as DDIM; its error falls as h^2 rather than h.
 * Deterministic: the step noise is ignored.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';
import type { X0Eps } from './predict.js';
import type { Sampler } from './sampler.js';
import { ddimTimesteps, type TimestepSpacing } from './ddim_sampler.js';
import { PredictionHistory, StepCursor, marginalAt } from './solver_steps.js';

export interface DpmSolverOptions {
  /** Network evaluations (visited timesteps). */
  steps: number;
  spacing: TimestepSpacing;
}

export class DpmSolverPP2M implements Sampler {
  readonly timesteps: number[];
  private readonly cursor: StepCursor;
  private readonly history = new PredictionHistory(2);

  constructor(readonly schedule: NoiseSchedule, opts: DpmSolverOptions) {
    this.timesteps = ddimTimesteps(schedule.T, opts.steps, opts.spacing);
    this.cursor = new StepCursor(this.timesteps);
  }

  step(pred: X0Eps, t: number, xt: tf.Tensor, _noise: tf.Tensor | null): tf.Tensor {
    const { index, fresh } = this.cursor.enter(t);
    if (fresh) this.history.clear();
    const s = marginalAt(this.schedule, t);
    const next = this.cursor.next(index);
    const out = tf.tidy(() => {
      if (next < 0) return tf.clone(pred.x0); // to the clean end: x = m_j
      const e = marginalAt(this.schedule, next);
      const h = e.lambda - s.lambda;
      const decay = -Math.expm1(-h); // -(e^{-h} - 1) = 1 - e^{-h}
      let d: tf.Tensor = pred.x0;
      if (this.history.length > 0) {
        const prev = this.history.at(0);
        const r = (s.lambda - prev.lambda) / h;
        // D = (1 + 1/(2r)) m_j - (1/(2r)) m_{j-1}
        d = tf.sub(tf.mul(pred.x0, 1 + 1 / (2 * r)), tf.mul(prev.x0, 1 / (2 * r)));
      }
      // x_t = (sigma_t / sigma_s) x_s - alpha_t (e^{-h} - 1) D
      return tf.add(tf.mul(xt, e.sigma / s.sigma), tf.mul(d, e.alpha * decay));
    });
    if (next < 0) this.history.clear();
    else this.history.push(t, s.lambda, pred.x0);
    return out;
  }
}
