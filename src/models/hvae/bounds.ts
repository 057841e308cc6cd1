/**
 * Likelihood bounds through the hierarchy, in nats per example (Burda et al. 2016, eq. 8, with
 * z = (z_1, ..., z_L) drawn top-down from q):
 *
 *   log w = log p(x | z_1) + log p(z_L) + sum_{i<L} log p(z_i | z_{i+1}) - sum_i log q(z_i | z_{i+1}, x)
 *   ELBO  = E_q[log w],     IWAE_k = E[log (1/k) sum_s w_s]  <=  log p(x)
 *
 * Beside the bounds, the ELBO's terms: the reconstruction -E_q[log p(x | z_1)] and each layer's
 * E_q[KL_i] (closed form given the sample above it), so ELBO = -(rec + sum_i KL_i) in expectation.
 *
 * The bottom-up pass runs once per example; its Gaussians are repeated for the k samples
 * (example-major rows, b k at a time within `rowBudget`), and each chunk's log-sum-exp is
 * combined in float64 as in the VAE's bounds (src/models/vae/bounds.ts, whose data preparation
 * and bits-per-dimension this file uses).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { Dataset } from '../../data/types.js';
import { UserError } from '../../util/errors.js';
import { logSumExp } from '../../math/log_sum_exp.js';
import { bitsPerDim, withEvaluationBatch, type EvaluationOptions } from '../vae/bounds.js';
import { logNormalDiag, logStdNormal } from '../vae/elbo.js';
import type { HvaeConfig } from './config.js';
import type { DiagGaussian } from './merge.js';
import { layerKl } from './layer_kl.js';
import { inferTopDown, type LatentHierarchy } from './top_down.js';

export interface HierarchyBoundOptions {
  k: number;
  rng: Rng;
  /** Most rows (examples x samples) through the networks at once; default 2048. */
  rowBudget?: number;
}

/** Per example: the bounds and the ELBO's terms. */
export interface HierarchyBounds {
  elbo: Float64Array;
  iwae: Float64Array;
  /** -E_q[log p(x | z_1)] */
  rec: Float64Array;
  /** E_q[KL_i] per layer, bottom first. */
  kl: Float64Array[];
}

/** Repeats each row k times, example-major.  [b, D] -> [b k, D]. */
function repeatRows(t: tf.Tensor2D, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(t, 1), [1, k, 1]), [t.shape[0] * k, t.shape[1]]) as tf.Tensor2D);
}

/**
 * log w, log p(x | z_1) and KL_i of k samples per example, through the hierarchy.
 * x: [b, ...], up: bottom-up Gaussians [b, D_i], noise: eps_i [b k, D_i] -> each [b k].
 */
export function hierarchyLogWeights(h: LatentHierarchy, x: tf.Tensor, up: DiagGaussian[], noise: tf.Tensor2D[], k: number): { logW: tf.Tensor1D; logLik: tf.Tensor1D; kls: tf.Tensor1D[] } {
  return tf.tidy(() => {
    const upK = up.map((g) => ({ mu: repeatRows(g.mu, k), logvar: repeatRows(g.logvar, k) })); // [b k, D_i]
    const states = inferTopDown(h, upK, noise);
    const logLik = h.logLikelihood(x, states[0].z, k); // [b k]
    let logW: tf.Tensor = logLik;
    for (const s of states) {
      const logP = s.p === null ? logStdNormal(s.z) : logNormalDiag(s.z, s.p.mu, s.p.logvar); // [b k]
      const logQ = logNormalDiag(s.z, s.q.mu, s.q.logvar); // [b k]
      logW = tf.add(logW, tf.sub(logP, logQ));
    }
    const kls = states.map((s) => layerKl(s.q, s.p)); // [b k] each
    return { logW: logW as tf.Tensor1D, logLik, kls };
  });
}

/** ELBO, IWAE_k and the ELBO's terms of each example of x: [n, ...]. Leaves no tensors behind. */
export function hierarchyBounds(h: LatentHierarchy, x: tf.Tensor, opts: HierarchyBoundOptions): HierarchyBounds {
  const k = opts.k;
  if (!Number.isInteger(k) || k < 1) throw new UserError(`--k must be a whole number >= 1, got ${k}`);
  const budget = Math.max(1, opts.rowBudget ?? 2048);
  const n = x.shape[0];
  const L = h.latentDims.length;
  const out: HierarchyBounds = { elbo: new Float64Array(n), iwae: new Float64Array(n), rec: new Float64Array(n), kl: h.latentDims.map(() => new Float64Array(n)) };
  const perGroup = Math.max(1, Math.floor(budget / k));
  const kc = Math.min(k, budget);
  for (let start = 0; start < n; start += perGroup) {
    const b = Math.min(perGroup, n - start);
    const xb = tf.slice(x, start, b); // [b, ...]
    const up = h.bottomUp(xb);
    const lse: number[][] = Array.from({ length: b }, () => []);
    for (let done = 0; done < k; done += kc) {
      const m = Math.min(kc, k - done);
      const noise = h.latentDims.map((d) => tf.tensor2d(opts.rng.normalArray(b * m * d), [b * m, d])); // [b m, D_i]
      const r = hierarchyLogWeights(h, xb, up, noise, m);
      const lw = tf.reshape(r.logW, [b, m]);
      const chunkLse = tf.logSumExp(lw, 1); // [b]
      const l = chunkLse.dataSync();
      const w = r.logW.dataSync();
      const ll = r.logLik.dataSync();
      const kl = r.kls.map((t) => t.dataSync());
      for (let i = 0; i < b; i++) {
        lse[i].push(l[i]);
        for (let s = 0; s < m; s++) {
          const row = i * m + s;
          out.elbo[start + i] += w[row] / k;
          out.rec[start + i] -= ll[row] / k;
          for (let j = 0; j < L; j++) out.kl[j][start + i] += kl[j][row] / k;
        }
      }
      tf.dispose([...noise, r.logW, r.logLik, ...r.kls, lw, chunkLse]);
    }
    for (let i = 0; i < b; i++) out.iwae[start + i] = logSumExp(lse[i]) - Math.log(k); // log (1/k) sum_s w_s
    for (const g of up) tf.dispose([g.mu, g.logvar]);
    xb.dispose();
  }
  return out;
}

/** Test-set means: the bounds, the ELBO's terms (rec, kl_1 .. kl_L) and bits per dimension from the IWAE bound. */
export interface HierarchyLikelihood {
  elbo: number;
  iwae: number;
  rec: number;
  kl: number[];
  k: number;
  n: number;
  bpd: number;
}

export interface EvaluableHierarchy extends LatentHierarchy {
  readonly config: HvaeConfig;
  readonly dim: number;
}

/** ELBO and IWAE_k on the first `n` examples of `dataset` prepared as in training (binarised once with `rng`), or on `opts.batch`. */
export function evaluateHierarchy(model: EvaluableHierarchy, dataset: Dataset, opts: EvaluationOptions): HierarchyLikelihood {
  const L = model.latentDims.length;
  const sum = { elbo: 0, iwae: 0, rec: 0, kl: new Array<number>(L).fill(0) };
  const n = withEvaluationBatch(dataset, model.config.binarize, opts, (xb, b) => {
    const r = hierarchyBounds(model, xb, { k: opts.k, rng: opts.rng, rowBudget: opts.rowBudget });
    for (let i = 0; i < b; i++) {
      sum.elbo += r.elbo[i];
      sum.iwae += r.iwae[i];
      sum.rec += r.rec[i];
      for (let j = 0; j < L; j++) sum.kl[j] += r.kl[j][i];
    }
  });
  const iwae = sum.iwae / n;
  return { elbo: sum.elbo / n, iwae, rec: sum.rec / n, kl: sum.kl.map((v) => v / n), k: opts.k, n, bpd: bitsPerDim(iwae, model.dim, model.config.decoder, dataset.kind) };
}
