/**
 * DDNM and DDNM+ (Wang, Yu & Zhang, "Zero-Shot Image Restoration Using Denoising Diffusion
 * Null-Space Model", ICLR 2023): a pretrained diffusion model restores y = A x (+ noise) with no
 * training, by correcting the clean-sample estimate at every step of sampling.
 *
 * At each visited t, with the network's x0|t and eps (predict.ts, in the model's range [-1, 1]):
 *   x0_hat = x0|t - lambda_t A+ (A x0|t - y)                                  (Eq. 17; lambda_t = 1: Eq. 13,
 *          = lambda_t A+ y + (I - lambda_t A+ A) x0|t                          x0_hat = A+ y + (I - A+ A) x0|t)
 *   x_prev = sqrt(abar_prev) x0_hat + c2 eps + noise,                          (the DDIM step, DDIM Eq. 12)
 *   c1 = eta sqrt(1 - abar_prev),  c2 = sqrt(1 - eta^2) sqrt(1 - abar_prev)
 * with the authors' eta (0.85): c1 is the step's fresh-noise std and c1^2 + c2^2 = 1 - abar_prev,
 * so this is DDIM's step with sigma_t = c1 (genlab's DdimSampler names a different scale eta).
 * The step keeps the network's eps (runSampler's epsAfterCorrection 'keep'): the range-space
 * part of x_prev then comes from y alone, as in the paper's Algorithm 1.
 *
 * DDNM+ (noisy y = A x + sigma_y n): A+ y carries noise A+ n of per-pixel std sigma_y, which
 * sqrt(abar_prev) x0_hat passes on; it takes the place of part of the fresh noise (Eq. 19, with
 * sigma_t = c1 and a_t = sqrt(abar_prev)):
 *   lambda_t = 1,                          gamma_t = sqrt(sigma_t^2 - (a_t sigma_y)^2)   if sigma_t >= a_t sigma_y,
 *   lambda_t = sigma_t / (a_t sigma_y),    gamma_t = 0                                  otherwise,
 *   noise = gamma_t A+ A z + c1 (I - A+ A) z,    z ~ N(0, I):
 * the range space gets gamma_t, the null space (which A+ n does not reach) the full c1. With
 * sigma_y = 0, lambda_t = 1 and gamma_t = c1: DDNM. The scalar lambda_t assumes A+ n has
 * per-pixel std sigma_y (exact for inpainting, super-resolution by pooling, CS with orthonormal
 * rows, colorization and denoising; a deblurring A+ amplifies noise by 1 / s_i, which the
 * paper's per-singular-value version handles and this one does not).
 *
 * Time travel (Sec. 3.3, after RePaint): at every l-th of the S visited timesteps, after
 * stepping down to it, go back l timesteps by the forward process,
 *   x_{t+l} ~ q(x_{t+l} | x_t) = N(sqrt(abar_{t+l} / abar_t) x_t, (1 - abar_{t+l} / abar_t) I),
 * and sample down again, r - 1 times (timeTravelSchedule below). The authors' code re-noises its
 * last x0|t instead of x_t; this follows the paper.
 *
 * Built on the sampling loop (src/models/ddpm/sampling.ts, runSampler): the correction is its
 * correctX0 hook, the step a Sampler; time travel runs the loop over descending stretches.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.js';
import type { NoiseSchedule } from '../models/ddpm/noise_schedule.js';
import type { Predictor, X0Eps } from '../models/ddpm/predict.js';
import type { Sampler } from '../models/ddpm/sampler.js';
import { ddimTimesteps, type TimestepSpacing } from '../models/ddpm/ddim_sampler.js';
import { runSampler, type CorrectX0 } from '../models/ddpm/sampling.js';
import type { LinearOperator } from './operators/operator.js';
import { symmetricMeasurement } from './operators/operator.js';

export interface DdnmConfig {
  /** S, the number of visited timesteps (the authors: 100 of T = 1000). */
  steps: number;
  /** Share of fresh noise in each step's noise std (the authors' eta, 0.85). */
  eta: number;
  /** How the S timesteps spread over T (the authors: 'leading', t = i T / S). */
  spacing: TimestepSpacing;
  /** Std of the measurement noise of y, in [0, 1] image units: 0 for DDNM, > 0 for DDNM+. */
  sigmaY: number;
  /** Time travel: l, the timesteps gone back each time. */
  travelLength: number;
  /** Time travel: r, how often each stretch is sampled (1: no time travel). */
  travelRepeat: number;
  /**
   * The eps the step uses after the correction: 'keep' the network's (DDNM), 'rederive' the one
   * on x_t's line through x0_hat (runSampler's default; an ablation: each step then moves only
   * part of the way to x0_hat, and the correction mostly lands at the last step).
   */
  eps: 'keep' | 'rederive';
}

/** DDNM as the authors run it (100 steps, eta 0.85, no time travel; their defaults). */
export const DDNM_DEFAULTS: DdnmConfig = { steps: 100, eta: 0.85, spacing: 'leading', sigmaY: 0, travelLength: 1, travelRepeat: 1, eps: 'keep' };

export interface DdnmCoefficients {
  /** a_t = sqrt(abar_prev), the weight of x0_hat. */
  aPrev: number;
  /** sigma_t = eta sqrt(1 - abar_prev), the step's fresh-noise std. */
  c1: number;
  /** sqrt(1 - eta^2) sqrt(1 - abar_prev), the weight of eps. */
  c2: number;
  lambda: number;
  gamma: number;
}

/** The step's coefficients and Eq. 19's lambda_t, gamma_t; `sigmaY` in the model's units ([-1, 1]: twice the [0, 1] value). */
export function ddnmCoefficients(abarPrev: number, eta: number, sigmaY: number): DdnmCoefficients {
  const aPrev = Math.sqrt(abarPrev);
  const c1 = eta * Math.sqrt(1 - abarPrev);
  const c2 = Math.sqrt(1 - eta * eta) * Math.sqrt(1 - abarPrev);
  const noiseInY = aPrev * sigmaY; // std of sqrt(abar_prev) A+ n
  if (c1 >= noiseInY) return { aPrev, c1, c2, lambda: 1, gamma: Math.sqrt(c1 * c1 - noiseInY * noiseInY) };
  return { aPrev, c1, c2, lambda: c1 / noiseInY, gamma: 0 };
}

/**
 * The DDNM(+) step as a Sampler: from the (corrected) x0_hat and the network's eps at t to the
 * next visited timestep (abar_prev = 1 after the last: the sample is x0_hat).
 */
export class DdnmSampler implements Sampler {
  readonly timesteps: number[];
  private readonly prevOf = new Map<number, number>();
  /** sigma_y in the model's range [-1, 1]. */
  readonly sigmaY: number;
  constructor(readonly schedule: NoiseSchedule, readonly op: LinearOperator, readonly config: DdnmConfig) {
    this.timesteps = ddimTimesteps(schedule.T, config.steps, config.spacing);
    this.timesteps.forEach((t, j) => this.prevOf.set(t, j + 1 < this.timesteps.length ? this.timesteps[j + 1] : -1));
    this.sigmaY = 2 * config.sigmaY;
  }

  /** abar of the timestep after t (1 after the last). */
  abarPrev(t: number): number {
    const p = this.prevOf.get(t);
    if (p === undefined) throw new Error(`timestep ${t} is not in this DDNM schedule`);
    return p < 0 ? 1 : this.schedule.alphaBar[p];
  }

  coefficients(t: number): DdnmCoefficients {
    return ddnmCoefficients(this.abarPrev(t), this.config.eta, this.sigmaY);
  }

  /** x_prev = sqrt(abar_prev) x0_hat + c2 eps + noise (header).  All [B, H, W, C]. */
  step(pred: X0Eps, t: number, _xt: tf.Tensor, z: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      const k = this.coefficients(t);
      const mean = tf.add(tf.mul(pred.x0, k.aPrev), tf.mul(pred.eps, k.c2));
      if (!z || k.c1 === 0) return mean;
      if (k.gamma === k.c1) return tf.add(mean, tf.mul(z, k.c1)); // sigma_y = 0 (or small enough): c1 z
      // gamma A+ A z + c1 (I - A+ A) z = c1 z - (c1 - gamma) A+ A z
      const pz = this.op.pinv(this.op.apply(z));
      return tf.add(mean, tf.sub(tf.mul(z, k.c1), tf.mul(pz, k.c1 - k.gamma)));
    });
  }

  /** The correction x0_hat = x0 - lambda_t A+ (A x0 - y) for y in the model's range. */
  correction(ySym: tf.Tensor): CorrectX0 {
    return (x0, t) => {
      const { lambda } = this.coefficients(t);
      const r = this.op.pinv(tf.sub(this.op.apply(x0), ySym)); // A+ (A x0 - y)  [B, H, W, C]
      return tf.sub(x0, lambda === 1 ? r : tf.mul(r, lambda));
    };
  }
}

/**
 * The indices i (into the S visited timesteps in increasing order, tau_0 < ... < tau_{S-1}) that
 * time travel passes through, from S - 1 (pure noise) down to -1 (the clean sample). Travel
 * points are j = 0, l, 2l, ... below S - l: on arriving at j from above for the first time, the
 * path goes back up to j + l and down to j again, r - 1 times in all. Every move is one index.
 * @example timeTravelSchedule(6, 2, 2)
 *   // [5, 4, 3, 2, 3, 4, 3, 2, 1, 0, 1, 2, 1, 0, -1]: up from 2 to 4 and from 0 to 2, once each
 */
export function timeTravelSchedule(steps: number, length: number, repeat: number): number[] {
  if (!(Number.isInteger(length) && length >= 1)) throw new Error(`time travel: length must be a whole number >= 1, got ${length}`);
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`time travel: repeat must be a whole number >= 1, got ${repeat}`);
  const left = new Map<number, number>(); // travel point -> back-trips still to make
  if (repeat > 1) for (let j = 0; j < steps - length; j += length) left.set(j, repeat - 1);
  const path = [steps - 1];
  let i = steps - 1;
  while (i >= 0) {
    i -= 1;
    path.push(i);
    const n = left.get(i) ?? 0;
    if (n > 0) {
      left.set(i, n - 1);
      for (let k = 0; k < length; k++) path.push(++i);
    }
  }
  return path;
}

/** x_j from x_i by the forward process (j later than i): sqrt(abar_j / abar_i) x_i + sqrt(1 - abar_j / abar_i) z. */
export function forwardJump(schedule: NoiseSchedule, x: tf.Tensor, from: number, to: number, rng: Rng): tf.Tensor {
  const ratio = schedule.alphaBar[to] / schedule.alphaBar[from];
  return tf.tidy(() => tf.add(tf.mul(x, Math.sqrt(ratio)), tf.mul(tf.tensor(rng.normalArray(x.size), x.shape), Math.sqrt(1 - ratio))));
}

export interface DdnmRun {
  predict: Predictor;
  schedule: NoiseSchedule;
  op: LinearOperator;
  /** The measurement of [0, 1] images, [B, ...op.measurementShape]. */
  y: tf.Tensor;
  config: DdnmConfig;
  rng: Rng;
  /** Called after each network evaluation with the count so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** For tests and figures: sees every step (x_t before it, the x0_hat it used). */
  onStep?: (t: number, x: tf.Tensor, x0: tf.Tensor) => void;
}

/** Network evaluations of a run: one per downward move of the schedule. */
export function ddnmEvaluations(config: DdnmConfig): number {
  const p = timeTravelSchedule(config.steps, config.travelLength, config.travelRepeat);
  let n = 0;
  for (let k = 1; k < p.length; k++) if (p[k] < p[k - 1]) n++;
  return n;
}

/**
 * Restores y: the x_hat in [0, 1] image units, [B, H, W, C], not clipped (for noise-free y,
 * A x_hat = y up to round-off). The caller disposes it; y stays the caller's.
 */
export function ddnmRestore(run: DdnmRun): tf.Tensor {
  const { schedule, op, config, rng } = run;
  const sampler = new DdnmSampler(schedule, op, config);
  const tau = [...sampler.timesteps].reverse(); // increasing
  const path = timeTravelSchedule(tau.length, config.travelLength, config.travelRepeat);
  const total = ddnmEvaluations(config);
  const b = run.y.shape[0];
  const ySym = symmetricMeasurement(op, run.y);
  const correctX0 = sampler.correction(ySym);
  let done = 0;
  const onStep = (t: number, x: tf.Tensor, x0: tf.Tensor) => {
    run.onStep?.(t, x, x0);
    run.onProgress?.(++done, total);
  };
  let x = tf.tensor(rng.normalArray(b * op.imageShape.reduce((a, c) => a * c, 1)), [b, ...op.imageShape]); // x at tau[S-1]
  try {
    let k = 0;
    while (k < path.length - 1) {
      const down = path[k + 1] < path[k];
      let m = k;
      while (m + 1 < path.length && path[m + 1] < path[m] === down) m++;
      let next: tf.Tensor;
      if (down) {
        // One descending stretch path[k] > ... > path[m]: the loop steps from each of tau[path[k..m-1]].
        const stretch: Sampler = { schedule, timesteps: path.slice(k, m).map((i) => tau[i]), step: (p, t, xt, z) => sampler.step(p, t, xt, z) };
        next = runSampler(stretch, run.predict, x, rng, { correctX0, epsAfterCorrection: config.eps, onStep });
      } else {
        next = forwardJump(schedule, x, tau[path[k]], tau[path[m]], rng);
      }
      x.dispose();
      x = next;
      k = m;
    }
    return tf.tidy(() => tf.mul(tf.add(x, 1), 0.5)); // [-1, 1] -> [0, 1], unclipped
  } finally {
    tf.dispose([x, ySym]);
  }
}
