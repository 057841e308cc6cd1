/**
 * GAN losses on the discriminator's raw outputs (logits, or critic values for the Wasserstein
 * losses), one small unit per loss, chosen by name. Every function returns the quantity each
 * player MINIMISES, averaged over the batch. With D(x) = sigmoid(logit) and
 * softplus(u) = log(1 + e^u):  -log D = softplus(-logit),  -log(1 - D) = softplus(logit).
 *
 *   minimax  (Goodfellow et al. 2014)
 *     D: -E[log D(x)] - E[log(1 - D(G(z)))]   = E softplus(-r) + E softplus(f)
 *     G:  E[log(1 - D(G(z)))]                  = -E softplus(f)        (saturating, as written)
 *   ns       (non-saturating, the same paper's practical advice)
 *     D: as minimax;  G: -E[log D(G(z))]       = E softplus(-f)
 *   lsgan    (Mao et al. 2017, a = 0, b = c = 1)
 *     D: E[(D(x) - 1)^2] + E[D(G(z))^2];   G: E[(D(G(z)) - 1)^2]
 *   wgan / wgan-gp  (Arjovsky et al. 2017; Gulrajani et al. 2017)
 *     D: E[D(G(z))] - E[D(x)]   (the negated estimate of the Wasserstein-1 distance);  G: -E[D(G(z))]
 *     wgan-gp adds lambda E[(||grad D(x_hat)|| - 1)^2] to D's loss (gradient_penalty.ts).
 *
 * r = D's outputs on real data [B, 1], f = on generated data [B, 1].
 */
import * as tf from '@tensorflow/tfjs-core';

export const GAN_LOSSES = ['minimax', 'ns', 'lsgan', 'wgan', 'wgan-gp'] as const;
export type GanLoss = (typeof GAN_LOSSES)[number];

/** Whether D's output is a critic value (Wasserstein) rather than a logit. */
export function isWasserstein(loss: GanLoss): boolean {
  return loss === 'wgan' || loss === 'wgan-gp';
}

/** Whether D's output goes through a sigmoid to be read as a probability (minimax, ns). */
export function outputIsLogit(loss: GanLoss): boolean {
  return loss === 'minimax' || loss === 'ns';
}

/** The discriminator's (critic's) loss, to minimise. */
export function discriminatorLoss(loss: GanLoss, real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    switch (loss) {
      case 'minimax':
      case 'ns':
        // -E log sigmoid(r) - E log(1 - sigmoid(f))
        return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar;
      case 'lsgan':
        // E (r - 1)^2 + E f^2
        return tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake))) as tf.Scalar;
      case 'wgan':
      case 'wgan-gp':
        // E f - E r
        return tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar;
    }
  });
}

/** The generator's loss, to minimise, from D's outputs on generated data. */
export function generatorLoss(loss: GanLoss, fake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    switch (loss) {
      case 'minimax':
        // E log(1 - sigmoid(f)) = -E softplus(f): its gradient vanishes as D(G(z)) -> 0.
        return tf.neg(tf.mean(tf.softplus(fake))) as tf.Scalar;
      case 'ns':
        // -E log sigmoid(f) = E softplus(-f)
        return tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar;
      case 'lsgan':
        // E (f - 1)^2
        return tf.mean(tf.square(tf.sub(fake, 1))) as tf.Scalar;
      case 'wgan':
      case 'wgan-gp':
        // -E f
        return tf.neg(tf.mean(fake)) as tf.Scalar;
    }
  });
}

/**
 * What the playground's heat map shows: D's probability that a point is real for the logit
 * losses, the raw output for LSGAN (its targets are 0 and 1) and the critic value for WGANs.
 */
export function discriminatorReading(loss: GanLoss, out: tf.Tensor): tf.Tensor {
  return outputIsLogit(loss) ? tf.sigmoid(out) : tf.clone(out);
}
