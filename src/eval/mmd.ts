/**
 * Maximum mean discrepancy with a Gaussian kernel (Gretton et al. 2012), for low-dimensional
 * point sets such as the 2-D toy distributions.
 *
 *   k(x, y) = exp(-||x - y||^2 / (2 h^2))
 *   MMD^2_u = 1/(n(n-1)) sum_{i != j} k(x_i, x_j) + 1/(m(m-1)) sum_{i != j} k(y_i, y_j)
 *             - 2/(n m) sum_{i, j} k(x_i, y_j)
 * The unbiased estimate: its expectation is 0 when both sets come from one distribution, so
 * single values can be slightly negative.
 *
 * Bandwidth: given, or by the median heuristic h = median of the pairwise distances
 * ||z_i - z_j|| (i < j) of the pooled sample Z = X u Y, computed on at most `medianPoints`
 * evenly spaced points of Z when it is larger (deterministic, no randomness needed).
 */
import { checkShape } from '../math/linalg.js';
import type { Numeric } from '../math/linalg.js';
import { median } from './stats.js';

export interface MmdOptions {
  /** Point dimension (default 2). */
  dim?: number;
  /** Kernel bandwidth h > 0; default: the median heuristic. */
  bandwidth?: number;
  /** Cap on the pooled points used for the median heuristic (default 1000). */
  medianPoints?: number;
}

export interface MmdResult {
  /** Unbiased MMD^2 estimate. */
  mmd2: number;
  /** The bandwidth h used. */
  bandwidth: number;
}

/** Median of the pairwise Euclidean distances within the pooled sample (see module comment). */
export function medianHeuristic(x: Numeric, n: number, y: Numeric, m: number, dim: number, maxPoints = 1000): number {
  const total = n + m;
  const p = Math.min(total, maxPoints);
  const pts = new Float64Array(p * dim);
  for (let t = 0; t < p; t++) {
    const idx = Math.floor((t * total) / p); // evenly spaced over the pooled order X then Y
    const src = idx < n ? x : y;
    const row = idx < n ? idx : idx - n;
    for (let c = 0; c < dim; c++) pts[t * dim + c] = src[row * dim + c];
  }
  const dists = new Float64Array((p * (p - 1)) / 2);
  let q = 0;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      let s = 0;
      for (let c = 0; c < dim; c++) { const t = pts[i * dim + c] - pts[j * dim + c]; s += t * t; }
      dists[q++] = Math.sqrt(s);
    }
  }
  return median(dists);
}

/** sum over pairs of exp(-||a_i - b_j||^2 * gamma); off-diagonal only (i != j) when `same`. */
function gaussianKernelSum(a: Numeric, na: number, b: Numeric, nb: number, dim: number, gamma: number, same: boolean): number {
  let total = 0;
  for (let i = 0; i < na; i++) {
    let s = 0;
    for (let j = same ? i + 1 : 0; j < nb; j++) {
      let d2 = 0;
      for (let c = 0; c < dim; c++) { const t = a[i * dim + c] - b[j * dim + c]; d2 += t * t; }
      s += Math.exp(-gamma * d2);
    }
    total += s;
  }
  return same ? 2 * total : total;
}

/** Unbiased Gaussian-kernel MMD^2 between x [n, dim] and y [m, dim]. Cost O((n + m)^2 dim). */
export function mmd(x: Numeric, y: Numeric, n: number, m: number, options: MmdOptions = {}): MmdResult {
  const dim = options.dim ?? 2;
  checkShape('mmd x', x, n, dim);
  checkShape('mmd y', y, m, dim);
  if (n < 2 || m < 2) throw new RangeError('mmd: need at least 2 points in each set');
  const h = options.bandwidth ?? medianHeuristic(x, n, y, m, dim, options.medianPoints ?? 1000);
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`mmd: bandwidth must be a positive number, got ${h}`);
  const gamma = 1 / (2 * h * h); // k(x, y) = exp(-gamma ||x - y||^2)
  const kxx = gaussianKernelSum(x, n, x, n, dim, gamma, true);
  const kyy = gaussianKernelSum(y, m, y, m, dim, gamma, true);
  const kxy = gaussianKernelSum(x, n, y, m, dim, gamma, false);
  const mmd2 = kxx / (n * (n - 1)) + kyy / (m * (m - 1)) - (2 * kxy) / (n * m);
  return { mmd2, bandwidth: h };
}
