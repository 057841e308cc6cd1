/**
 * One KL term per stochastic layer, in closed form since q and p are Gaussian at every layer:
 *   top        KL_L = KL(q(z_L | x) || N(0, I))                 = 1/2 sum_j [mu_j^2 + sigma_j^2 - log sigma_j^2 - 1]
 *   layer i<L  KL_i = KL(q(z_i | z_{i+1}, x) || p(z_i | z_{i+1})) = 1/2 sum_j [log(sp_j^2 / sq_j^2) + (sq_j^2 + (mq_j - mp_j)^2) / sp_j^2 - 1]
 * The lower layers' terms are conditional on the sample z_{i+1} ~ q drawn above them, so the
 * ELBO's KL part, sum_i E_q[KL_i], is estimated with the same samples as the reconstruction
 * (Sonderby et al. 2016, eq. 17). Both closed forms are src/math/gaussian_kl.ts's.
 *
 * Free bits (Kingma et al. 2016, "Improved variational inference with inverse autoregressive
 * flow", eq. 15), per layer: the loss takes max(lambda, KL_i-bar) with KL_i-bar the batch mean
 * of layer i's KL, so a layer below lambda nats gets no gradient pushing it towards the prior.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gaussianKl, klStdNormal } from '../../math/gaussian_kl.js';
import type { DiagGaussian } from './merge.js';

/** KL(q || p) per example, p = null for the top layer's N(0, I).  [B, D] -> [B]. */
export function layerKl(q: DiagGaussian, p: DiagGaussian | null): tf.Tensor1D {
  if (p === null) return klStdNormal(q.mu, q.logvar);
  return tf.tidy(() => gaussianKl(q.mu, tf.exp(q.logvar), p.mu, tf.exp(p.logvar)));
}

/** max(lambda, klMean): a scalar batch-mean KL floored at lambda nats (lambda = 0 returns klMean itself). */
export function freeBits(klMean: tf.Scalar, lambda: number): tf.Scalar {
  if (lambda <= 0) return klMean;
  return tf.tidy(() => tf.maximum(klMean, lambda) as tf.Scalar);
}
