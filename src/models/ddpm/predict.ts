/**
 * What a sampler steps from: the clean sample x0 and the noise eps predicted at (x_t, t).
 * The network output is inverted by its parameterisation (diffusion.ts, predictX0AndEps):
 *   eps:  x0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)
 *   x0:   eps = (x_t - sqrt(abar_t) x0) / sqrt(1 - abar_t)
 *   v:    x0 = sqrt(abar_t) x_t - sqrt(1 - abar_t) v,   eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) v
 * and, with `clipX0`, x0 is clipped to the data range [-1, 1] and eps re-derived from it,
 *   eps = (x_t - sqrt(abar_t) x0) / sqrt(1 - abar_t),
 * so that the pair stays on the line x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps.
 * Predicting is kept apart from stepping (ddpm_sampler.ts, ddim_sampler.ts) so that the loop
 * (sampling.ts) can correct x0 in between: inpainting, restoration, guidance.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';
import { predictX0AndEps, type Prediction } from './diffusion.js';

/** The predicted clean sample and noise at one timestep, both of x_t's shape ([B, H, W, C] or [B, D]). */
export type X0Eps = {
  x0: tf.Tensor;
  eps: tf.Tensor;
};

export interface PredictOptions {
  /** What the network outputs. */
  prediction: Prediction;
  /** Clip x0 to [-1, 1] (data scaled to [-1, 1]) and re-derive eps from the clipped x0. */
  clipX0: boolean;
}

/** A network with its parameterisation: (x_t, t) -> {x0, eps}. */
export type Predictor = (xt: tf.Tensor, t: number) => X0Eps;

/** eps consistent with x_t and a given x0:  eps = (x_t - sqrt(abar_t) x0) / sqrt(1 - abar_t). */
export function epsFromX0(s: NoiseSchedule, xt: tf.Tensor, x0: tf.Tensor, t: number): tf.Tensor {
  return tf.tidy(() => {
    const a = s.alphaBar[t];
    return tf.div(tf.sub(xt, tf.mul(x0, Math.sqrt(a))), Math.sqrt(1 - a));
  });
}

/** {x0, eps} from the network output at (x_t, t) (see the header); output and x_t share one shape. */
export function predictX0Eps(s: NoiseSchedule, opts: PredictOptions, xt: tf.Tensor, output: tf.Tensor, t: number): X0Eps {
  return tf.tidy(() => {
    const { x0, eps } = predictX0AndEps(s, opts.prediction, xt, output, t);
    if (!opts.clipX0) return { x0, eps };
    const clipped = tf.clipByValue(x0, -1, 1);
    return { x0: clipped, eps: epsFromX0(s, xt, clipped, t) };
  });
}
