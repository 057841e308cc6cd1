/**
 * The surface shared by the DDPM and DDIM samplers (after diffusers' schedulers):
 * a list of timesteps to visit, and `step` mapping the network output at x_t to x_{t_prev}.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface StepResult {
  /** x at the next (smaller) timestep. */
  prevSample: tf.Tensor;
  /** The clean sample predicted at this step. */
  predX0: tf.Tensor;
}

export interface Sampler {
  /** Timesteps visited, 0-based, in decreasing order (ends with 0). */
  readonly timesteps: number[];
  /**
   * One reverse step from `sample` = x_t given the network output at (x_t, t); `noise` is a
   * standard normal tensor of x's shape (ignored where the step is deterministic).
   */
  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, noise: tf.Tensor | null): StepResult;
}
