/**
 * The sampling loop a user reads: start from noise; at each visited t predict {x0, eps} with the
 * network (predict.ts), optionally correct x0, and let the sampler step from them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { NoiseSchedule } from './noise_schedule.js';
import { DdpmSampler, type VarianceKind } from './ddpm_sampler.js';
import { DdimSampler, type TimestepSpacing } from './ddim_sampler.js';
import { DpmSolverPP2M } from './dpm_solver_pp.js';
import { UniPcSampler } from './unipc.js';
import type { Sampler } from './sampler.js';
import { epsFromX0, type Predictor } from './predict.js';

export interface SamplerConfig {
  /** ddpm: ancestral (all T steps); ddim; dpm++2m: DPM-Solver++(2M); unipc: UniPC-bh2 (order 2). */
  kind: 'ddpm' | 'ddim' | 'dpm++2m' | 'unipc';
  /** DDIM and the ODE solvers: number of visited timesteps, i.e. network evaluations (DDPM always visits all T). */
  steps: number;
  /** DDIM: 0 deterministic, 1 as stochastic as DDPM. */
  eta: number;
  spacing: TimestepSpacing;
}

export function makeSampler(schedule: NoiseSchedule, model: { variance: VarianceKind }, cfg: SamplerConfig): Sampler {
  if (cfg.kind === 'ddpm') return new DdpmSampler(schedule, { variance: model.variance });
  if (cfg.kind === 'dpm++2m') return new DpmSolverPP2M(schedule, { steps: cfg.steps, spacing: cfg.spacing });
  if (cfg.kind === 'unipc') return new UniPcSampler(schedule, { steps: cfg.steps, spacing: cfg.spacing });
  return new DdimSampler(schedule, { steps: cfg.steps, eta: cfg.eta, spacing: cfg.spacing });
}

/**
 * A correction of the predicted clean sample before each step: x0' = correctX0(x0, t, x_t), of
 * x0's shape, in the model's data range ([-1, 1] for images). For example the projection of
 * DDNM / inpainting onto known pixels y under a mask m (1 = known): x0' = m y + (1 - m) x0.
 * Returning `x0` itself (the same tensor) means "no change". Tensors it makes inside are freed
 * after the step; tensors it closes over (y, m) stay the caller's.
 */
export type CorrectX0 = (x0: tf.Tensor, t: number, xt: tf.Tensor) => tf.Tensor;

export interface SamplingOptions {
  /** Sees x_t before each step and the x0 the step used (after correction), e.g. for trajectories. */
  onStep?: (t: number, x: tf.Tensor, predX0: tf.Tensor) => void;
  correctX0?: CorrectX0;
  /** Start part-way: the given x is x_startAt and only the sampler's timesteps <= startAt are visited. Default: all. */
  startAt?: number;
  /** z ~ N(0, I) of x's shape for one step; default `rng.normalArray(size)`. */
  stepNoise?: (shape: number[]) => tf.Tensor;
  /**
   * The eps a corrected x0' steps with. 'rederive' (default): eps' on x_t's line through x0'
   * (below), the step of a network that had predicted x0' at x_t; a DDIM step then moves x_t
   * only part of the way to x0'. 'keep': the network's own eps, so that the step re-anchors on
   * x0', x_prev = sqrt(abar_prev) x0' + (direction) eps + sigma z: the step of DDNM (Wang et
   * al. 2023, Algorithm 1), where the range-space part of x_prev comes from y alone.
   */
  epsAfterCorrection?: 'rederive' | 'keep';
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * x_T = xT; for t in sampler.timesteps:
 *   {x0, eps} = predict(x_t, t);  x0 <- correctX0(x0, t, x_t) (eps re-derived from it unless
 *   epsAfterCorrection is 'keep');  x <- sampler.step({x0, eps}, t, x_t, z),
 * z ~ N(0, I) for t > 0. Returns x_0 (the caller disposes it); `xT` is not disposed.
 */
export function runSampler(sampler: Sampler, predict: Predictor, xT: tf.Tensor, rng: Rng, opts: SamplingOptions = {}): tf.Tensor {
  const { onStep, correctX0, startAt } = opts;
  const stepNoise = opts.stepNoise ?? ((shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, c) => a * c, 1)), shape));
  const timesteps = startAt === undefined ? sampler.timesteps : sampler.timesteps.filter((t) => t <= startAt);
  let x = tf.clone(xT);
  for (const t of timesteps) {
    const xt = x;
    const seen: { x0: tf.Tensor | null } = { x0: null }; // the x0 used, for onStep
    const prevSample = tf.tidy(() => {
      let { x0, eps } = predict(xt, t);
      if (correctX0) {
        const corrected = correctX0(x0, t, xt);
        if (corrected !== x0) {
          if (!sameShape(corrected.shape, x0.shape)) throw new Error(`correctX0 returned shape [${corrected.shape}], expected [${x0.shape}]`);
          // The samplers step from a pair on one line with x_t: x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps.
          // A new x0' alone would break it (DDIM would move x0 to x0' but keep pointing its
          // direction term at the old x_t's noise), so eps is re-derived from x_t and x0':
          //   eps' = (x_t - sqrt(abar_t) x0') / sqrt(1 - abar_t)
          // Then the DDIM step is the one a network that had predicted x0' at x_t would take, and
          // DDPM's posterior q(x_{t-1} | x_t, x0') (which reads x0' and x_t only) is unchanged by it.
          x0 = corrected;
          if (opts.epsAfterCorrection !== 'keep') eps = epsFromX0(sampler.schedule, xt, x0, t);
        }
      }
      // A kept clone for onStep, so that disposing it never frees a tensor the correction closed over.
      if (onStep) seen.x0 = tf.keep(tf.clone(x0));
      const z = t > 0 ? stepNoise(xt.shape) : null;
      return sampler.step({ x0, eps }, t, xt, z);
    });
    if (onStep && seen.x0) {
      onStep(t, x, seen.x0);
      seen.x0.dispose();
    }
    x.dispose();
    x = prevSample;
  }
  return x;
}
