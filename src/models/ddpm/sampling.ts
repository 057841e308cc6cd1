/** The sampling loop a user reads: start from noise, ask the network, let the sampler step. */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { NoiseSchedule } from './noise_schedule.js';
import { DdpmSampler, type VarianceKind } from './ddpm_sampler.js';
import { DdimSampler, type TimestepSpacing } from './ddim_sampler.js';
import type { Sampler } from './sampler.js';
import type { Prediction } from './diffusion.js';

export interface SamplerConfig {
  kind: 'ddpm' | 'ddim';
  /** DDIM: number of visited timesteps (DDPM always visits all T). */
  steps: number;
  /** DDIM: 0 deterministic, 1 as stochastic as DDPM. */
  eta: number;
  spacing: TimestepSpacing;
}

export function makeSampler(
  schedule: NoiseSchedule,
  model: { prediction: Prediction; variance: VarianceKind; clipX0: boolean },
  cfg: SamplerConfig,
): Sampler {
  if (cfg.kind === 'ddpm') return new DdpmSampler(schedule, { prediction: model.prediction, variance: model.variance, clipX0: model.clipX0 });
  return new DdimSampler(schedule, { prediction: model.prediction, steps: cfg.steps, eta: cfg.eta, clipX0: model.clipX0, spacing: cfg.spacing });
}

/**
 * x_T = noise; for t in sampler.timesteps: x <- sampler.step(net(x, t), t, x, z), z ~ N(0, I) from rng.
 * `onStep` sees x_t before each step and the predicted x0 (for trajectories). Returns x_0; `noise` is not disposed.
 */
export function runSampler(
  sampler: Sampler,
  net: (x: tf.Tensor, t: number) => tf.Tensor,
  noise: tf.Tensor,
  rng: Rng,
  onStep?: (t: number, x: tf.Tensor, predX0: tf.Tensor) => void,
): tf.Tensor {
  let x = tf.clone(noise);
  for (const t of sampler.timesteps) {
    const xt = x;
    const [prevSample, predX0] = tf.tidy(() => {
      const out = net(xt, t);
      const z = t > 0 ? tf.tensor(rng.normalArray(xt.size), xt.shape) : null;
      const r = sampler.step(out, t, xt, z);
      return [r.prevSample, r.predX0];
    });
    if (onStep) onStep(t, x, predX0);
    predX0.dispose();
    x.dispose();
    x = prevSample;
  }
  return x;
}
