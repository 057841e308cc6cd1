/**
 * The surface shared by the DDPM and DDIM samplers (after diffusers' schedulers): a list of
 * timesteps to visit, and `step` from x_t to x_{t_prev} given the clean sample and the noise
 * predicted at (x_t, t) (predict.ts). The network and its parameterisation stay outside, so
 * the loop (sampling.ts) may correct x0 before the step.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';
import type { X0Eps } from './predict.js';

export interface Sampler {
  readonly schedule: NoiseSchedule;
  /** Timesteps visited, 0-based, in decreasing order (ends with 0). */
  readonly timesteps: number[];
  /**
   * One reverse step: x at the next (smaller) visited timestep, from `xt` = x_t and the {x0, eps}
   * predicted at (x_t, t); `noise` is a standard normal tensor of x's shape (ignored where the
   * step is deterministic).
   */
  step(pred: X0Eps, t: number, xt: tf.Tensor, noise: tf.Tensor | null): tf.Tensor;
}
