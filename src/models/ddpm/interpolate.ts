/**
 * Interpolation through the diffusion (the lecture's quiz): encode two images to step t with
 * q(x_t | x_0) using the same noise, mix the two x_t linearly or spherically, and denoise each
 * mixture back to t = 0 with ancestral sampling, sharing the sampling noise across the strip.
 * Small t keeps the endpoints (fidelity); large t forgets them (diversity).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { DdpmModel } from './family.js';
import { qSample } from './diffusion.js';
import { DdpmSampler } from './ddpm_sampler.js';

export type Mix = 'linear' | 'slerp';

/** Spherical interpolation: sin((1-l) w)/sin w a + sin(l w)/sin w b, w the angle between a and b. */
export function slerp(a: Float32Array, b: Float32Array, l: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))));
  const out = new Float32Array(a.length);
  if (omega < 1e-6) {
    for (let i = 0; i < a.length; i++) out[i] = (1 - l) * a[i] + l * b[i];
    return out;
  }
  const ca = Math.sin((1 - l) * omega) / Math.sin(omega);
  const cb = Math.sin(l * omega) / Math.sin(omega);
  for (let i = 0; i < a.length; i++) out[i] = ca * a[i] + cb * b[i];
  return out;
}

/**
 * x1, x2: [1, H, W, C] in [-1, 1]. Returns [steps, H, W, C] in [0, 1]: the denoised mixtures for
 * lambda = 0 .. 1. `t` is 0-based (0..T-1).
 */
export function interpolateDiffusion(model: DdpmModel, x1: tf.Tensor, x2: tf.Tensor, t: number, steps: number, mix: Mix, rng: Rng): tf.Tensor {
  const s = model.schedule;
  const shape = x1.shape.slice(1);
  const d = shape.reduce((a, c) => a * c, 1);
  const eps = tf.tensor(rng.normalArray(d), x1.shape);
  const a = tf.tidy(() => qSample(s, x1, t, eps)).dataSync() as Float32Array;
  const b = tf.tidy(() => qSample(s, x2, t, eps)).dataSync() as Float32Array;
  eps.dispose();
  const rows = new Float32Array(steps * d);
  for (let k = 0; k < steps; k++) {
    const l = steps === 1 ? 0 : k / (steps - 1);
    const m = mix === 'slerp' ? slerp(a, b, l) : a.map((v, i) => (1 - l) * v + l * b[i]);
    rows.set(m, k * d);
  }
  let x = tf.tensor(rows, [steps, ...shape]);
  const sampler = new DdpmSampler(s, { prediction: model.config.prediction, variance: model.config.variance, clipX0: model.config.clipX0 });
  for (let tt = t; tt >= 0; tt--) {
    const z = tt > 0 ? tf.tensor(rng.normalArray(d), [1, ...shape]) : null;
    const next = tf.tidy(() => {
      const out = model.net.apply(x, new Array(steps).fill(tt));
      return sampler.step(out, tt, x, z ? tf.tile(z, [steps, ...shape.map(() => 1)]) : null).prevSample;
    });
    z?.dispose();
    x.dispose();
    x = next;
  }
  return tf.tidy(() => {
    const out = tf.clipByValue(tf.mul(tf.add(x, 1), 0.5), 0, 1);
    x.dispose();
    return out;
  });
}
