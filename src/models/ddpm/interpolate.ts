/**
 * Interpolation through the diffusion (the lecture's quiz): encode two images to step t with
 * q(x_t | x_0) using the same noise, mix the two x_t linearly or spherically, and denoise each
 * mixture back to t = 0 with ancestral sampling, sharing the sampling noise across the strip.
 * Small t keeps the endpoints (fidelity); large t forgets them (diversity).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import { lerp, slerp } from '../../math/slerp.js';
import { symmetricToUnit } from '../../math/scaling.js';
import type { DdpmModel } from './model.js';
import { qSample } from './diffusion.js';
import { DdpmSampler } from './ddpm_sampler.js';
import { runSampler, type CorrectX0 } from './sampling.js';

export type Mix = 'linear' | 'slerp';

/**
 * x1, x2: [1, H, W, C] in [-1, 1]. Returns [steps, H, W, C] in [0, 1]: the denoised mixtures for
 * lambda = 0 .. 1. `t` is 0-based (0..T-1). `correctX0` (sampling.ts) corrects the predicted x0
 * of the strip [steps, H, W, C] at each step.
 */
export function interpolateDiffusion(model: DdpmModel, x1: tf.Tensor, x2: tf.Tensor, t: number, steps: number, mix: Mix, rng: Rng, correctX0?: CorrectX0): tf.Tensor {
  const s = model.schedule;
  const shape = x1.shape.slice(1); // [H, W, C]
  const d = shape.reduce((a, c) => a * c, 1);
  const eps = tf.tensor(rng.normalArray(d), x1.shape);
  const a = tf.tidy(() => qSample(s, x1, t, eps)).dataSync() as Float32Array;
  const b = tf.tidy(() => qSample(s, x2, t, eps)).dataSync() as Float32Array;
  eps.dispose();
  const rows = new Float32Array(steps * d);
  for (let k = 0; k < steps; k++) {
    const l = steps === 1 ? 0 : k / (steps - 1);
    rows.set(mix === 'slerp' ? slerp(a, b, l) : lerp(a, b, l), k * d);
  }
  const xt = tf.tensor(rows, [steps, ...shape]); // [steps, H, W, C], all at step t
  const sampler = new DdpmSampler(s, { variance: model.config.variance });
  // One z of [1, H, W, C] per step, shared across the strip so that only lambda varies along it.
  const stepNoise = (): tf.Tensor => tf.tidy(() => tf.tile(tf.tensor(rng.normalArray(d), [1, ...shape]), [steps, ...shape.map(() => 1)]));
  const x = runSampler(sampler, model.predictor(), xt, rng, { startAt: t, stepNoise, correctX0 });
  xt.dispose();
  return tf.tidy(() => {
    const out = symmetricToUnit(x);
    x.dispose();
    return out;
  });
}
