/**
 * Kernel Inception Distance (Binkowski et al. 2018): the unbiased estimate of the squared
 * maximum mean discrepancy between two feature sets under the cubic polynomial kernel
 *   k(x, y) = (x . y / d + 1)^3
 * averaged over random subsets, as in the reference implementation.
 *
 * For subsets X = {x_i} and Y = {y_j}, both of size m, the unbiased MMD^2 is
 *   MMD^2_u = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(m(m-1)) sum_{i != j} k(y_i, y_j)
 *             - 2/m^2 sum_{i, j} k(x_i, y_j)
 * Its expectation is exactly MMD^2 (0 when both sets come from one distribution); single
 * estimates can be negative.
 */
import { checkShape, dotBlock, toFloat64 } from '../math/linalg.js';
import type { Numeric } from '../math/linalg.js';
import { meanStd } from './stats.js';
import { Rng } from '../util/rng.js';

export interface KidOptions {
  /** Number of random subset pairs averaged (default 100, as in the reference implementation). */
  subsets?: number;
  /** Size m of each subset (default 1000), capped at min(n1, n2). */
  subsetSize?: number;
  /** Randomness for choosing the subsets (default: `new Rng(0)`). */
  rng?: Rng;
  /** Called after each subset pair with (done, subsets). */
  onProgress?: (done: number, total: number) => void;
}

export interface KidResult {
  /** Mean of the per-subset unbiased MMD^2 estimates. */
  kid: number;
  /** Standard deviation (ddof = 1) of the per-subset estimates; NOT the standard error of `kid`. */
  kidStd: number;
  /** The per-subset estimates. */
  values: Float64Array;
  subsetSize: number;
}

const BLOCK = 64;

/** k(x, y) = (x . y / d + 1)^3 */
function cubic(dot: number, invD: number): number {
  const t = dot * invD + 1;
  return t * t * t;
}

/**
 * Sum of k over pairs: all (i, j) when `symmetric` is false; i != j when X and Y are the same
 * matrix (`symmetric` true, each unordered pair counted twice).
 */
function kernelSum(X: Float64Array, nx: number, Y: Float64Array, ny: number, d: number, symmetric: boolean, buf: Float64Array): number {
  const invD = 1 / d;
  let total = 0;
  for (let i0 = 0; i0 < nx; i0 += BLOCK) {
    const bi = Math.min(BLOCK, nx - i0);
    for (let j0 = symmetric ? i0 : 0; j0 < ny; j0 += BLOCK) {
      const bj = Math.min(BLOCK, ny - j0);
      dotBlock(X, i0, bi, Y, j0, bj, d, buf, bj);
      let s = 0;
      if (symmetric && j0 === i0) {
        for (let i = 0; i < bi; i++) for (let j = i + 1; j < bj; j++) s += cubic(buf[i * bj + j], invD);
        s *= 2;
      } else {
        for (let t = 0; t < bi * bj; t++) s += cubic(buf[t], invD);
        if (symmetric) s *= 2;
      }
      total += s;
    }
  }
  return total;
}

/** Copies rows idx[0..m) of x [*, d] into a new [m, d] float64 matrix. */
function gatherRows(x: Numeric, idx: Int32Array, m: number, d: number): Float64Array {
  const out = new Float64Array(m * d);
  for (let r = 0; r < m; r++) {
    const src = idx[r] * d;
    for (let k = 0; k < d; k++) out[r * d + k] = x[src + k];
  }
  return out;
}

/** The first m entries of a uniformly random permutation of 0..n-1 (partial Fisher-Yates). */
function sampleWithoutReplacement(rng: Rng, n: number, m: number, scratch: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) scratch[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = scratch[i];
    scratch[i] = scratch[j];
    scratch[j] = t;
  }
  return scratch.subarray(0, m);
}

/** Unbiased MMD^2 with the cubic kernel between two [m, d] and [m2, d] sets (float64). */
export function mmd2PolyUnbiased(X: Float64Array, m: number, Y: Float64Array, m2: number, d: number): number {
  if (m < 2 || m2 < 2) throw new RangeError('mmd2PolyUnbiased: need at least 2 samples in each set');
  const buf = new Float64Array(BLOCK * BLOCK);
  const kxx = kernelSum(X, m, X, m, d, true, buf);
  const kyy = kernelSum(Y, m2, Y, m2, d, true, buf);
  const kxy = kernelSum(X, m, Y, m2, d, false, buf);
  // MMD^2_u = Kxx/(m(m-1)) + Kyy/(m2(m2-1)) - 2 Kxy/(m m2)
  return kxx / (m * (m - 1)) + kyy / (m2 * (m2 - 1)) - (2 * kxy) / (m * m2);
}

/**
 * KID between feature sets A [n1, d] and B [n2, d]: the mean and spread of MMD^2_u over
 * `subsets` pairs of random subsets of size m = min(subsetSize, n1, n2), each drawn without
 * replacement. Cost: subsets * 2 m^2 d multiply-adds (100 x 1000 at d = 128: about 10 s).
 */
export function kid(featsA: Numeric, featsB: Numeric, n1: number, n2: number, d: number, options: KidOptions = {}): KidResult {
  checkShape('kid A', featsA, n1, d);
  checkShape('kid B', featsB, n2, d);
  const subsets = options.subsets ?? 100;
  const m = Math.min(options.subsetSize ?? 1000, n1, n2);
  if (!Number.isInteger(subsets) || subsets < 1) throw new RangeError(`kid: subsets must be a positive integer, got ${subsets}`);
  if (m < 2) throw new RangeError(`kid: need at least 2 samples per set, got subset size ${m}`);
  const rng = options.rng ?? new Rng(0);
  const scratchA = new Int32Array(n1);
  const scratchB = new Int32Array(n2);
  const values = new Float64Array(subsets);
  // Whole sets used every time: gather once.
  const fullA = m === n1 ? toFloat64(featsA, false) : null;
  const fullB = m === n2 ? toFloat64(featsB, false) : null;
  for (let s = 0; s < subsets; s++) {
    if (fullA && fullB && s > 0) { values[s] = values[0]; options.onProgress?.(s + 1, subsets); continue; } // every "subset" is the whole set
    const X = fullA ?? gatherRows(featsA, sampleWithoutReplacement(rng, n1, m, scratchA), m, d);
    const Y = fullB ?? gatherRows(featsB, sampleWithoutReplacement(rng, n2, m, scratchB), m, d);
    values[s] = mmd2PolyUnbiased(X, m, Y, m, d);
    options.onProgress?.(s + 1, subsets);
  }
  const { mean, std } = meanStd(values, 1);
  return { kid: mean, kidStd: subsets > 1 ? std : 0, values, subsetSize: m };
}
