/**
 * The terms of the evidence lower bound (Kingma & Welling 2014, "Auto-Encoding Variational
 * Bayes", eqs. 3, 10 and appendix B) as pure tensor functions.
 *
 *   prior          p(z)   = N(0, I)
 *   decoder        p(x|z) = Bernoulli(x; sigmoid(logits_psi(z)))  or  N(x; mu_psi(z), diag(sigma^2))
 *   encoder        q(z|x) = N(z; mu_phi(x), diag(exp(logvar_phi(x))))
 *   ELBO(x)        = E_q[log p(x|z)] - KL(q(z|x) || p(z))  <=  log p(x)
 *
 * Every function reduces over all axes but the first (the batch), so it returns one value
 * per example: shape [B]. The log-likelihoods take `batchDims` = 2 for [B, K, ...] inputs
 * (K samples per example, broadcasting x [B, 1, ...] against them) and return [B, K].
 * Names follow the paper: mu, logvar (log sigma^2), eps, z. The KL term in closed form,
 * klStdNormal, is shared with the diffusion bound in src/math/gaussian_kl.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumPerExample } from '../../math/sum_per_example.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The reparameterisation trick (AEVB eq. 10): z = mu + sigma * eps, sigma = exp(logvar / 2),
 * eps ~ N(0, I). The sample is a differentiable function of (mu, logvar) for fixed eps.
 * mu, logvar, eps: [B, D] -> [B, D].
 */
export function reparameterize(mu: tf.Tensor, logvar: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)));
}

/**
 * Log density of a diagonal Gaussian, summed over dimensions:
 *   log N(x; mu, diag exp(logvar)) = -1/2 sum_j [log 2 pi + logvar_j + (x_j - mu_j)^2 exp(-logvar_j)]
 * x, mu: [B, ...]; logvar broadcastable to them (a tensor or a number) -> [B].
 */
export function logNormalDiag(x: tf.Tensor, mu: tf.Tensor, logvar: tf.Tensor | number, batchDims = 1): tf.Tensor1D {
  return tf.tidy(() => {
    const lv = typeof logvar === 'number' ? tf.scalar(logvar) : logvar;
    const sq = tf.mul(tf.square(tf.sub(x, mu)), tf.exp(tf.neg(lv))); // [B, ...]
    const terms = tf.add(tf.add(sq, lv), LOG_2PI);
    return tf.mul(sumPerExample(terms, batchDims), -0.5) as tf.Tensor1D;
  });
}

/** log N(z; 0, I) = -1/2 sum_j (log 2 pi + z_j^2).  z: [B, D] -> [B]. */
export function logStdNormal(z: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mul(sumPerExample(tf.add(tf.square(z), LOG_2PI)), -0.5) as tf.Tensor1D);
}

/**
 * Bernoulli log-likelihood from logits l (x in [0, 1]; binary for a true likelihood):
 *   log p(x|l) = sum_j [x_j log sigmoid(l_j) + (1 - x_j) log(1 - sigmoid(l_j))] = sum_j [x_j l_j - softplus(l_j)]
 * The right-hand form is exact and never takes the log of a rounded sigmoid.
 * x, logits: [B, ...] -> [B].  Its negative is the summed binary cross-entropy.
 */
export function bernoulliLogLik(x: tf.Tensor, logits: tf.Tensor, batchDims = 1): tf.Tensor1D {
  return tf.tidy(() => sumPerExample(tf.sub(tf.mul(x, logits), tf.softplus(logits)), batchDims));
}

/** KL warm-up (Bowman et al. 2016; Sonderby et al. 2016): weight beta * min(1, step / warmupSteps). */
export function klWeight(step: number, beta: number, warmupSteps: number): number {
  if (warmupSteps <= 0) return beta;
  return beta * Math.min(1, step / warmupSteps);
}
