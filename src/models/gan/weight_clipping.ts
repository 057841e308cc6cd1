/**
 * WGAN's Lipschitz constraint by weight clipping (Arjovsky et al. 2017, Algorithm 1):
 * after each critic update, w <- clip(w, -c, c) for every critic parameter.
 */
import * as tf from '@tensorflow/tfjs-core';

export function clipWeights(params: tf.Variable[], bound: number): void {
  // Inside one tidy: assign keeps the clipped values, the tidy frees the temporaries.
  tf.tidy(() => {
    for (const v of params) v.assign(tf.clipByValue(v, -bound, bound));
  });
}
