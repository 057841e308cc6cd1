/**
 * The two passes through a hierarchy of L Gaussian layers (Sonderby et al. 2016, fig. 2b), bottom
 * (z_1, next to x) to top (z_L):
 *
 *   generative   p(x, z) = p(x | z_1) p(z_1 | z_2) ... p(z_{L-1} | z_L) p(z_L),   p(z_L) = N(0, I)
 *   inference    q(z | x) = q(z_L | x) q(z_{L-1} | z_L, x) ... q(z_1 | z_2, x)
 *
 * Inference is top-down like generation: the deterministic bottom-up path gives one Gaussian
 * N(mu_hat_i, sigma_hat_i^2) per layer from x alone; then from the top, q(z_L | x) is the top
 * bottom-up Gaussian, and each lower q(z_i | z_{i+1}, x) merges the bottom-up Gaussian with the
 * prior p(z_i | z_{i+1}) at the sample z_{i+1} just drawn (merge.ts). Samples are reparameterised,
 * z_i = mu_q + sigma_q eps_i, so the whole pass is differentiable for fixed noise.
 *
 * Arrays of layers are indexed bottom first: index 0 is z_1, index L - 1 is z_L.
 */
import * as tf from '@tensorflow/tfjs-core';
import { reparameterize } from '../vae/elbo.js';
import { mergePosterior, type DiagGaussian, type InferenceKind } from './merge.js';

/** What the bounds and the loss need of a hierarchical model; HvaeModel and the tests' linear-Gaussian model have it. */
export interface LatentHierarchy {
  /** Sizes D_1 .. D_L of the layers, bottom first. */
  readonly latentDims: readonly number[];
  readonly inference: InferenceKind;
  /** The bottom-up Gaussians, bottom first.  x: [B, ...] -> L x {mu, logvar: [B, D_i]}. */
  bottomUp(x: tf.Tensor): DiagGaussian[];
  /** p(z_i | z_{i+1}) for layer i in 1 .. L-1 (1-based).  zAbove: [B, D_{i+1}] -> [B, D_i]. */
  prior(i: number, zAbove: tf.Tensor2D): DiagGaussian;
  /**
   * log p(x_b | z_1) for k latents per example, example-major: x [B, ...], z1 [B k, D_1] -> [B k]
   * (x is broadcast against the k rows of each example, never copied k times).
   */
  logLikelihood(x: tf.Tensor, z1: tf.Tensor2D, k: number): tf.Tensor1D;
}

/** One layer after the inference pass: its sample, its q and its prior (null for the top's N(0, I)). */
export interface LayerState {
  z: tf.Tensor2D;
  q: DiagGaussian;
  p: DiagGaussian | null;
}

/**
 * The inference pass: q and a sample at every layer, from the top down. `noise` holds eps_i
 * [B, D_i] per layer (bottom first), or 'mean' for z_i = mu_q (the posterior's mode path, for
 * reconstructions and figures). `up`: the bottom-up Gaussians of the same B rows. The caller
 * disposes the returned tensors (or calls inside a tidy).
 */
export function inferTopDown(h: LatentHierarchy, up: DiagGaussian[], noise: tf.Tensor2D[] | 'mean'): LayerState[] {
  const L = up.length;
  const states: LayerState[] = new Array(L);
  const draw = (q: DiagGaussian, i: number): tf.Tensor2D => (noise === 'mean' ? tf.clone(q.mu) : (reparameterize(q.mu, q.logvar, noise[i]) as tf.Tensor2D));
  const top = { mu: tf.clone(up[L - 1].mu), logvar: tf.clone(up[L - 1].logvar) }; // q(z_L | x)
  states[L - 1] = { z: draw(top, L - 1), q: top, p: null };
  for (let i = L - 2; i >= 0; i--) {
    const p = h.prior(i + 1, states[i + 1].z); // p(z_i | z_{i+1})  [B, D_i]
    const q = mergePosterior(h.inference, up[i], p); // q(z_i | z_{i+1}, x)
    states[i] = { z: draw(q, i), q, p };
  }
  return states;
}

/**
 * The generative pass from standardised noise: z_L = eps_L, z_i = mu_p(z_{i+1}) + sigma_p(z_{i+1}) eps_i.
 * eps ~ N(0, I) gives ancestral samples of p(z); the noise of a posterior path (priorNoise) gives
 * that path back. `noise`: L x [B, D_i], bottom first -> z_1 .. z_L, bottom first.
 */
export function generateTopDown(h: LatentHierarchy, noise: tf.Tensor2D[]): tf.Tensor2D[] {
  const L = noise.length;
  const z: tf.Tensor2D[] = new Array(L);
  z[L - 1] = tf.clone(noise[L - 1]);
  for (let i = L - 2; i >= 0; i--) {
    z[i] = tf.tidy(() => {
      const p = h.prior(i + 1, z[i + 1]);
      return reparameterize(p.mu, p.logvar, noise[i]) as tf.Tensor2D;
    });
  }
  return z;
}

/** The standardised noise of a path: eps_i = (z_i - mu_p,i) / sigma_p,i, eps_L = z_L (the inverse of generateTopDown). */
export function priorNoise(states: LayerState[]): tf.Tensor2D[] {
  return states.map((s) => tf.tidy(() => (s.p === null ? tf.clone(s.z) : (tf.mul(tf.sub(s.z, s.p.mu), tf.exp(tf.mul(s.p.logvar, -0.5))) as tf.Tensor2D))));
}

export function disposeStates(states: LayerState[]): void {
  for (const s of states) tf.dispose([s.z, s.q.mu, s.q.logvar, ...(s.p ? [s.p.mu, s.p.logvar] : [])]);
}

export function disposeGaussians(gs: DiagGaussian[]): void {
  for (const g of gs) tf.dispose([g.mu, g.logvar]);
}
