/**
 * How the inference model q(z_i | z_{i+1}, x) of layer i < L is formed from the bottom-up
 * Gaussian N(mu_hat, sigma_hat^2) (a function of x alone, through the deterministic path d_i)
 * and the top-down prior p(z_i | z_{i+1}) = N(mu_p, sigma_p^2). Both are pure and elementwise;
 * every tensor is [B, D_i] and Gaussians are carried as (mu, logvar = log sigma^2).
 *
 * Ladder VAE (Sonderby et al. 2016, eqs. 18-19), the precision-weighted merge: the product of the
 * two Gaussians, renormalised,
 *   sigma_q^2 = 1 / (sigma_hat^-2 + sigma_p^-2)
 *   mu_q      = (mu_hat sigma_hat^-2 + mu_p sigma_p^-2) sigma_q^2
 * It is the exact posterior when the likelihood term is Gaussian in z_i: p(z_i | z_{i+1}, x) is
 * proportional to p(z_i | z_{i+1}) times a Gaussian factor of z_i (test/models/hvae/linear_gaussian.ts).
 *
 * NVAE's residual form (Vahdat & Kautz 2020, sec. 3.2, eq. 2): the bottom-up outputs are read
 * as a shift and a scale relative to the prior,
 *   mu_q = mu_p + dmu,    sigma_q^2 = sigma_p^2 dsigma^2   (dmu = mu_hat, log dsigma^2 = logvar_hat)
 * so that KL(q || p) = 1/2 sum_j [dmu_j^2 / sigma_p,j^2 + dsigma_j^2 - log dsigma_j^2 - 1]:
 * a prior that moves moves q with it, and q = p costs nothing whatever the prior does.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A diagonal Gaussian N(mu, diag exp(logvar)).  mu, logvar: [B, D]. */
// A type alias, not an interface, so that tf.tidy can return it (an alias has an implicit index signature).
export type DiagGaussian = {
  mu: tf.Tensor2D;
  logvar: tf.Tensor2D;
};

export type InferenceKind = 'ladder' | 'residual';

/** The precision-weighted merge of the bottom-up Gaussian `up` and the prior `prior`. */
export function precisionWeightedMerge(up: DiagGaussian, prior: DiagGaussian): DiagGaussian {
  return tf.tidy(() => {
    const precUp = tf.exp(tf.neg(up.logvar)); // sigma_hat^-2  [B, D]
    const precP = tf.exp(tf.neg(prior.logvar)); // sigma_p^-2  [B, D]
    const prec = tf.add(precUp, precP); // sigma_q^-2
    const mu = tf.div(tf.add(tf.mul(up.mu, precUp), tf.mul(prior.mu, precP)), prec) as tf.Tensor2D;
    const logvar = tf.neg(tf.log(prec)) as tf.Tensor2D;
    return { mu, logvar };
  });
}

/** The residual (NVAE) posterior: the bottom-up outputs as a shift (mu) and log scale^2 (logvar) of the prior. */
export function residualMerge(up: DiagGaussian, prior: DiagGaussian): DiagGaussian {
  return tf.tidy(() => ({ mu: tf.add(prior.mu, up.mu) as tf.Tensor2D, logvar: tf.add(prior.logvar, up.logvar) as tf.Tensor2D }));
}

export function mergePosterior(kind: InferenceKind, up: DiagGaussian, prior: DiagGaussian): DiagGaussian {
  return kind === 'ladder' ? precisionWeightedMerge(up, prior) : residualMerge(up, prior);
}
