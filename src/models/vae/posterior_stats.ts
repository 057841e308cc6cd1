/**
 * What a single-latent VAE's posterior carries on a data set, beside its bounds: the mean
 * closed-form KL(q(z|x) || N(0, I)) (math/gaussian_kl.ts), and the active units of
 * E_q[z | x] = mu(x) (math/active_units.ts, Burda et al. 2016). The hierarchical VAE reports
 * the same two per layer, so the two families' eval outputs line up.
 */
import * as tf from '@tensorflow/tfjs-core';
import { klStdNormal } from '../../math/gaussian_kl.js';
import { activeUnits } from '../../math/active_units.js';
import type { LatentGaussianModel } from './bounds.js';

export interface PosteriorStats {
  /** Mean over the examples of KL(q(z|x) || N(0, I)), nats. */
  kl: number;
  /** Latent dimensions whose posterior mean varies over the examples by more than 0.01. */
  active: number;
}

/** KL and active units of q(z|x) over x: [n, ...], encoded `batch` rows at a time. Leaves no tensors behind. */
export function posteriorStats(model: LatentGaussianModel, x: tf.Tensor, batch = 500): PosteriorStats {
  const n = x.shape[0];
  const d = model.latentDim;
  const means = new Float64Array(n * d);
  let klSum = 0;
  for (let start = 0; start < n; start += batch) {
    const b = Math.min(batch, n - start);
    const [mu, kl] = tf.tidy(() => {
      const q = model.encode(tf.slice(x, start, b)); // mu, logvar: [b, D]
      if (q.logvar === null) throw new Error('posteriorStats: the model has no q(z|x) variance (an autoencoder)');
      return [q.mu, tf.sum(klStdNormal(q.mu, q.logvar))];
    });
    means.set(mu.dataSync(), start * d);
    klSum += kl.dataSync()[0];
    tf.dispose([mu, kl]);
  }
  return { kl: klSum / n, active: activeUnits(means, n, d).active };
}
