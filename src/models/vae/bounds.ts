/**
 * Likelihood bounds of a trained VAE on a data set, in nats per example.
 *
 *   log w_i = log p(x, z_i) - log q(z_i|x),       z_i = mu + sigma eps_i ~ q(z|x)
 *   ELBO     = E_q[log w]                        (estimated by the mean of the k log-weights)
 *   IWAE_k   = E[log (1/k) sum_i w_i]            (Burda et al. 2016, eq. 8)
 *   ELBO = IWAE_1 <= IWAE_k <= IWAE_{k+1} <= log p(x), and IWAE_k -> log p(x) as k grows.
 *
 * The k samples are drawn in chunks so that the decoder never sees more than `rowBudget`
 * rows at once; each chunk's log-sum-exp is computed in float32 by tf.logSumExp (which
 * subtracts the maximum first), and the chunk results are combined in float64:
 *   log sum_i w_i = m + log sum_c exp(lse_c - m),  m = max_c lse_c.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { Dataset } from '../../data/types.js';
import { UserError } from '../../util/errors.js';
import { logSumExp } from '../../math/log_sum_exp.js';
import type { VaeConfig } from './config.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** What the bounds need of a model: q(z|x) and log p(x|z). VaeModel has this shape. */
export interface LatentGaussianModel {
  readonly latentDim: number;
  /** q(z|x) = N(mu, diag exp(logvar)).  x: [B, ...] -> [B, D] each; logvar null for a deterministic encoder. */
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D | null };
  /** log p(x|z).  x: [B, ...], z: [B, D] -> [B]. */
  logLikelihood(x: tf.Tensor, z: tf.Tensor): tf.Tensor1D;
  /** Optional fast path: log p(x_b|z_bi) for k latents per example, x: [B, ...], z: [B k, D] -> [B k]. */
  logLikelihoodRepeated?(x: tf.Tensor, z: tf.Tensor, k: number): tf.Tensor1D;
}

export interface BoundOptions {
  /** Number of importance samples per example. */
  k: number;
  rng: Rng;
  /** Most rows (examples x samples) sent through the decoder at once; default 2048. */
  rowBudget?: number;
}

export interface Bounds {
  /** Per example: the mean of the k log-weights (an unbiased estimate of the ELBO). */
  elbo: Float64Array;
  /** Per example: log (1/k) sum_i w_i. */
  iwae: Float64Array;
}

/**
 * Log importance weights of `kc` samples per example. x: [B, ...] -> [B, kc], plus nothing left behind.
 *   z = mu + sigma eps,  log q(z|x) = -1/2 sum_j (log 2 pi + logvar_j + eps_j^2)
 *   log w = log p(x|z) + log N(z; 0, I) - log q(z|x)
 */
function logWeights(model: LatentGaussianModel, x: tf.Tensor, mu: tf.Tensor2D, logvar: tf.Tensor2D, eps: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, kc, d] = eps.shape;
    const sigma = tf.exp(tf.mul(logvar, 0.5)); // [B, D]
    const z3 = tf.add(tf.expandDims(mu, 1), tf.mul(tf.expandDims(sigma, 1), eps)); // [B, kc, D]
    const z = tf.reshape(z3, [b * kc, d]); // [B kc, D]
    let logPxz: tf.Tensor;
    if (model.logLikelihoodRepeated) {
      logPxz = tf.reshape(model.logLikelihoodRepeated(x, z, kc), [b, kc]); // [B, kc]
    } else {
      const reps = [1, kc, ...x.shape.slice(1).map(() => 1)];
      const xRep = tf.reshape(tf.tile(tf.expandDims(x, 1), reps), [b * kc, ...x.shape.slice(1)]); // [B kc, ...]
      logPxz = tf.reshape(model.logLikelihood(xRep, z), [b, kc]); // [B, kc]
    }
    const logPz = tf.mul(tf.sum(tf.add(tf.square(z3), LOG_2PI), 2), -0.5); // [B, kc]
    const logQ = tf.mul(tf.sum(tf.add(tf.add(tf.expandDims(logvar, 1), tf.square(eps)), LOG_2PI), 2), -0.5); // [B, kc]
    return tf.sub(tf.add(logPxz, logPz), logQ) as tf.Tensor2D;
  });
}

/**
 * ELBO and IWAE_k of each example of a batch x: [B, ...]. Leaves no tensors behind.
 * Examples are processed `floor(rowBudget / k)` at a time (at least one), and the k samples
 * of an example in chunks of at most rowBudget.
 */
export function importanceBounds(model: LatentGaussianModel, x: tf.Tensor, opts: BoundOptions): Bounds {
  const k = opts.k;
  if (!Number.isInteger(k) || k < 1) throw new UserError(`--k must be a whole number >= 1, got ${k}`);
  const budget = Math.max(1, opts.rowBudget ?? 2048);
  const n = x.shape[0];
  const d = model.latentDim;
  const elbo = new Float64Array(n);
  const iwae = new Float64Array(n);
  const perGroup = Math.max(1, Math.floor(budget / k));
  const kc = Math.min(k, budget);
  for (let start = 0; start < n; start += perGroup) {
    const b = Math.min(perGroup, n - start);
    const xb = tf.slice(x, start, b); // [b, ...]
    const { mu, logvar } = model.encode(xb);
    if (logvar === null) {
      tf.dispose([xb, mu]);
      throw new UserError('likelihood bounds need a VAE: the autoencoder has no q(z|x) or prior');
    }
    const lse: number[][] = Array.from({ length: b }, () => []);
    const sumLogW = new Float64Array(b);
    for (let done = 0; done < k; done += kc) {
      const m = Math.min(kc, k - done);
      const eps = tf.tensor3d(opts.rng.normalArray(b * m * d), [b, m, d]);
      const lw = logWeights(model, xb, mu, logvar, eps); // [b, m]
      const chunkLse = tf.logSumExp(lw, 1); // [b]
      const chunkSum = tf.sum(lw, 1); // [b]
      const l = chunkLse.dataSync();
      const s = chunkSum.dataSync();
      for (let i = 0; i < b; i++) {
        lse[i].push(l[i]);
        sumLogW[i] += s[i];
      }
      tf.dispose([eps, lw, chunkLse, chunkSum]);
    }
    for (let i = 0; i < b; i++) {
      iwae[start + i] = logSumExp(lse[i]) - Math.log(k); // log (1/k) sum_i w_i
      elbo[start + i] = sumLogW[i] / k;
    }
    tf.dispose([xb, mu, logvar]);
  }
  return { elbo, iwae };
}

export interface LikelihoodResult {
  /** Mean over examples of the ELBO estimate, nats per example. */
  elbo: number;
  /** Mean over examples of IWAE_k, nats per example. */
  iwae: number;
  k: number;
  n: number;
  /** Bits per dimension from the IWAE bound (see `bitsPerDim`). */
  bpd: number;
}

/**
 * Bits per dimension of a log-likelihood bound L (nats per example) over `dim` dimensions:
 *   binary data (Bernoulli decoder): bpd = -L / (dim ln 2);
 *   continuous [0, 1] data (Gaussian decoder): the density on the 256-level scale is
 *   p(x) / 256^dim, so bpd = -L / (dim ln 2) + 8 (no dequantisation: indicative only).
 */
export function bitsPerDim(bound: number, dim: number, decoder: VaeConfig['decoder'], kind: 'images' | 'points'): number {
  const bits = -bound / (dim * Math.LN2);
  return decoder === 'gaussian' && kind === 'images' ? bits + 8 : bits;
}

/**
 * Prepares evaluation data as the model was trained on it: images binarised once with `rng`
 * ('dynamic'), at 0.5 ('threshold') or left as they are. Returns [n, ...shape].
 */
export function evaluationBatch(dataset: Dataset, n: number, binarize: VaeConfig['binarize'], rng: Rng): tf.Tensor {
  if (dataset.kind === 'points') {
    return tf.tensor2d(dataset.points.subarray(0, n * 2), [n, 2]);
  }
  const per = dataset.height * dataset.width * dataset.channels;
  const src = dataset.pixels.subarray(0, n * per);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const p = src[i];
    out[i] = binarize === 'dynamic' ? (rng.uniform() < p ? 1 : 0) : binarize === 'threshold' ? (p > 0.5 ? 1 : 0) : p;
  }
  return tf.tensor4d(out, [n, dataset.height, dataset.width, dataset.channels]);
}

/** The model `evaluateLikelihood` needs: the bounds' interface plus its config. */
export interface EvaluableVae extends LatentGaussianModel {
  readonly config: VaeConfig;
  readonly dim: number;
}

/** The number of examples to evaluate: `n` (default all of `dataset`), capped at the data set's size. */
export function evaluationCount(dataset: Dataset, n?: number): number {
  const count = Math.min(n ?? dataset.n, dataset.n);
  if (!Number.isInteger(count) || count < 1) throw new UserError(`--n must be a whole number >= 1, got ${n}`);
  return count;
}

/** Options of the test-set evaluations (this file's and the hierarchical VAE's). */
export interface EvaluationOptions {
  k: number;
  n?: number;
  rng: Rng;
  rowBudget?: number;
  /**
   * The prepared examples (from `evaluationBatch`, [n, ...]) when the caller uses the same draw
   * for more than the bounds; its owner disposes it. Without it the first n examples of the
   * data set are prepared here with `rng`.
   */
  batch?: tf.Tensor;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs `each` over the evaluation examples: `opts.batch` when given, otherwise the first
 * `opts.n` examples of `dataset` prepared as in training (binarised once with opts.rng).
 * Returns the number of examples.
 */
export function withEvaluationBatch(
  dataset: Dataset,
  binarize: VaeConfig['binarize'],
  opts: EvaluationOptions,
  each: (xb: tf.Tensor, rows: number) => void,
): number {
  const own = opts.batch ? null : evaluationBatch(dataset, evaluationCount(dataset, opts.n), binarize, opts.rng);
  const x = opts.batch ?? own!;
  try {
    forEachEvaluationChunk(x, opts, each);
    return x.shape[0];
  } finally {
    own?.dispose();
  }
}

/**
 * Test-set ELBO and IWAE_k (nats per example) and bits per dimension, on the first `n`
 * examples of `dataset` (default: all) prepared as in training, or on `opts.batch`.
 */
export function evaluateLikelihood(model: EvaluableVae, dataset: Dataset, opts: EvaluationOptions): LikelihoodResult {
  if (model.config.kind !== 'vae') throw new UserError('likelihood bounds need a VAE: the autoencoder has no q(z|x) or prior');
  let elboSum = 0;
  let iwaeSum = 0;
  const n = withEvaluationBatch(dataset, model.config.binarize, opts, (xb, b) => {
    const r = importanceBounds(model, xb, { k: opts.k, rng: opts.rng, rowBudget: opts.rowBudget });
    for (let i = 0; i < b; i++) {
      elboSum += r.elbo[i];
      iwaeSum += r.iwae[i];
    }
  });
  const iwae = iwaeSum / n;
  const kind = dataset.kind;
  return { elbo: elboSum / n, iwae, k: opts.k, n, bpd: bitsPerDim(iwae, model.dim, model.config.decoder, kind) };
}

/**
 * Hands the prepared examples x ([n, ...]) to `each` in slices of as many rows as k importance
 * samples allow within the row budget (times 8), reporting progress after each slice. Disposes
 * every slice; x stays with its owner.
 */
export function forEachEvaluationChunk(
  x: tf.Tensor,
  opts: { k: number; rowBudget?: number; onProgress?: (done: number, total: number) => void },
  each: (xb: tf.Tensor, rows: number) => void,
): void {
  const n = x.shape[0];
  const step = Math.max(1, Math.floor((opts.rowBudget ?? 2048) / opts.k)) * 8;
  for (let start = 0; start < n; start += step) {
    const b = Math.min(step, n - start);
    const xb = tf.slice(x, start, b);
    try {
      each(xb, b);
    } finally {
      xb.dispose();
    }
    opts.onProgress?.(start + b, n);
  }
}
