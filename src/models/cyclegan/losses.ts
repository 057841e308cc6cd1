/**
 * CycleGAN's objective (Zhu et al. 2017, eq. 3), with G: A -> B, F: B -> A and discriminators
 * D_B (on B) and D_A (on A):
 *
 *   L(G, F, D_A, D_B) = L_GAN(G, D_B) + L_GAN(F, D_A) + lambda L_cyc(G, F) + lambda_id L_id(G, F)
 *   L_cyc = E_a ||F(G(a)) - a||_1 + E_b ||G(F(b)) - b||_1                      (eq. 2)
 *   L_id  = E_b ||G(b) - b||_1 + E_a ||F(a) - a||_1,   lambda_id = 0.5 lambda   (section 5.2)
 *
 * ||.||_1 is the mean absolute error per value, as the authors' code (nn.L1Loss) takes it.
 * The adversarial terms are the GAN family's (gan/losses.ts): lsgan as is, vanilla = the
 * non-saturating cross-entropy ('ns'), wgan-gp with its penalty. Each discriminator's loss is
 * halved, as in the authors' code, "to slow down the rate at which D learns relative to G".
 */
import * as tf from '@tensorflow/tfjs-core';
import { discriminatorLoss, generatorLoss, type GanLoss } from '../gan/losses.js';

export const CYCLEGAN_LOSSES = ['lsgan', 'vanilla', 'wgan-gp'] as const;
export type CycleganLoss = (typeof CYCLEGAN_LOSSES)[number];

/** The GAN family's name for the loss. */
export function ganLoss(loss: CycleganLoss): GanLoss {
  return loss === 'vanilla' ? 'ns' : loss;
}

/** ||y - x||_1 as a mean over every value: [B, H, W, C] x2 -> scalar. */
export function meanAbsoluteError(y: tf.Tensor, x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(y, x))) as tf.Scalar);
}

/**
 * lambda_A E ||F(G(a)) - a||_1 + lambda_B E ||G(F(b)) - b||_1: the cycle term from the two
 * reconstructions F(G(a)) [B, H, W, C] and G(F(b)); lambda_B = lambda_A unless given.
 */
export function cycleLoss(a: tf.Tensor, recA: tf.Tensor, b: tf.Tensor, recB: tf.Tensor, lambdaA: number, lambdaB = lambdaA): tf.Scalar {
  return tf.tidy(() => tf.add(tf.mul(lambdaA, meanAbsoluteError(recA, a)), tf.mul(lambdaB, meanAbsoluteError(recB, b))) as tf.Scalar);
}

/**
 * idA E ||F(a) - a||_1 + idB E ||G(b) - b||_1 from F(a) and G(b). As in the authors' code each
 * term is lambda_identity times the cycle weight of the domain it keeps: idA = 0.5 lambda_A and
 * idB = 0.5 lambda_B by default; idB = idA unless given.
 */
export function identityLoss(a: tf.Tensor, fOfA: tf.Tensor, b: tf.Tensor, gOfB: tf.Tensor, idA: number, idB = idA): tf.Scalar {
  return tf.tidy(() => tf.add(tf.mul(idB, meanAbsoluteError(gOfB, b)), tf.mul(idA, meanAbsoluteError(fOfA, a))) as tf.Scalar);
}

/** A generator's adversarial term from its discriminator's outputs on its translations (a patch map [B, h, w, 1]). */
export function adversarialLoss(loss: CycleganLoss, dOnFake: tf.Tensor): tf.Scalar {
  return generatorLoss(ganLoss(loss), dOnFake);
}

/** One discriminator's loss, halved: 0.5 (L_D(real) + L_D(fake)) on patch maps [B, h, w, 1]. */
export function halfDiscriminatorLoss(loss: CycleganLoss, dOnReal: tf.Tensor, dOnFake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(0.5, discriminatorLoss(ganLoss(loss), dOnReal, dOnFake)) as tf.Scalar);
}
