/**
 * The hierarchical ELBO with one KL term per layer (Sonderby et al. 2016, eq. 17):
 *
 *   ELBO(x) = E_q[log p(x | z_1)] - sum_{i=1}^{L} E_q[KL_i],
 *   KL_L = KL(q(z_L | x) || N(0, I)),   KL_i = KL(q(z_i | z_{i+1}, x) || p(z_i | z_{i+1}))   (layer_kl.ts)
 *
 * and the training loss, with the KL weight w (beta after warm-up, vae/elbo.ts klWeight) and
 * free bits lambda per layer:
 *
 *   loss = -log p(x | z_1) + w sum_i max(lambda, mean_batch KL_i)
 *
 * one sample z ~ q per example, drawn top-down (top_down.ts). With w = 1 and lambda = 0 the loss
 * is the negative one-sample ELBO estimate; with L = 1 it is the VAE's loss (vae/model.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { inferTopDown, type LatentHierarchy } from './top_down.js';
import { freeBits, layerKl } from './layer_kl.js';

/** Loss terms of a batch (scalars: means over the batch, nats per example). */
export interface HvaeLossTerms {
  loss: tf.Scalar;
  /** -E_q[log p(x | z_1)], one-sample estimate. */
  rec: tf.Scalar;
  /** KL_1 .. KL_L, bottom first (before free bits and the weight). */
  kls: tf.Scalar[];
}

/**
 * The loss of batch x: [B, ...] with noise eps_i [B, D_i] per layer (bottom first), KL weight w
 * and free bits lambda (nats per layer). Returns new tensors only.
 */
export function hierarchicalLoss(h: LatentHierarchy, x: tf.Tensor, noise: tf.Tensor2D[], w: number, lambda: number): HvaeLossTerms {
  return tf.tidy(() => {
    const up = h.bottomUp(x);
    const states = inferTopDown(h, up, noise);
    const logLik = h.logLikelihood(x, states[0].z, 1); // [B]
    const rec = tf.neg(tf.mean(logLik)) as tf.Scalar;
    const kls = states.map((s) => tf.mean(layerKl(s.q, s.p)) as tf.Scalar);
    // sum_i max(lambda, KL_i): one layer adds nothing, so L = 1 is the VAE's rec + w KL op for op.
    const penalised = kls.map((k) => freeBits(k, lambda));
    const klSum = penalised.length === 1 ? penalised[0] : (tf.addN(penalised) as tf.Scalar);
    const loss = w === 0 ? rec : (tf.add(rec, tf.mul(klSum, w)) as tf.Scalar);
    return { loss, rec, kls };
  });
}
