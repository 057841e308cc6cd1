/**
 * Improved precision and recall (Kynkäänniemi et al. 2019).
 *
 * Each set approximates its manifold by a union of balls: around every sample phi, a ball whose
 * radius is the distance to its k-th nearest neighbour within the same set (k = 3 by default,
 * the sample itself not counted):
 *   f(phi, Phi) = 1  if  ||phi - phi'|| <= NN_k(phi', Phi)  for at least one phi' in Phi
 *   precision(Phi_r, Phi_g) = (1/|Phi_g|) sum_{phi_g} f(phi_g, Phi_r)   (fakes on the real manifold)
 *   recall(Phi_r, Phi_g)    = (1/|Phi_r|) sum_{phi_r} f(phi_r, Phi_g)   (reals on the fake manifold)
 *
 * Distances come from ||x - y||^2 = ||x||^2 + ||y||^2 - 2 x.y with the blocked float64 dot
 * kernel; all comparisons are on squared distances. Work: n_r^2/2 + n_g^2/2 + n_r n_g dot
 * products of length d (the cross pass skips tiles whose samples are all already decided).
 * Measured: 10,000 x 10,000 at d = 128 takes about 10.5 s on one core (2.6e10 multiply-adds).
 */
import { checkShape, dotBlock, rowSqNorms, toFloat64 } from '../math/linalg.js';
import type { Numeric } from '../math/linalg.js';

export interface PrecisionRecallOptions {
  /** Neighbourhood size k of the k-NN radius (default 3, as in the paper). */
  k?: number;
  /** Rows per tile of the blocked distance computation (default 128). */
  blockSize?: number;
  /** Progress in rows over the three passes (real k-NN radii, fake k-NN radii, real x fake): (done, nReal + nFake + nReal). */
  onProgress?: (done: number, total: number) => void;
}

export interface PrecisionRecallResult {
  /** Share of generated samples inside at least one real k-NN ball. */
  precision: number;
  /** Share of real samples inside at least one generated k-NN ball. */
  recall: number;
  k: number;
  /** k-NN radii (Euclidean) of the real samples. */
  realRadii: Float64Array;
  /** k-NN radii (Euclidean) of the generated samples. */
  fakeRadii: Float64Array;
}

/**
 * Squared distance from every row of x [n, d] to its k-th nearest other row (n > k required).
 * Symmetric tiled pass over i <= j, keeping the k smallest values per row in sorted order.
 */
export function kthNeighbourSqDistances(x: Float64Array, n: number, d: number, k: number, blockSize = 128, norms?: Float64Array, onRows?: (done: number) => void): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`kthNeighbourSqDistances: k must be a positive integer, got ${k}`);
  if (n <= k) throw new RangeError(`kthNeighbourSqDistances: need more than k = ${k} samples, got ${n}`);
  const sq = norms ?? rowSqNorms(x, n, d);
  const top = new Float64Array(n * k).fill(Infinity); // row i: its k smallest, ascending
  const last = k - 1;
  const insert = (i: number, v: number): void => {
    const base = i * k;
    let p = last;
    while (p > 0 && top[base + p - 1] > v) { top[base + p] = top[base + p - 1]; p--; }
    top[base + p] = v;
  };
  const B = blockSize;
  const buf = new Float64Array(B * B);
  for (let i0 = 0; i0 < n; i0 += B) {
    const bi = Math.min(B, n - i0);
    for (let j0 = i0; j0 < n; j0 += B) {
      const bj = Math.min(B, n - j0);
      dotBlock(x, i0, bi, x, j0, bj, d, buf, bj);
      for (let i = 0; i < bi; i++) {
        const gi = i0 + i;
        const ni = sq[gi];
        const row = i * bj;
        for (let j = j0 === i0 ? i + 1 : 0; j < bj; j++) {
          const gj = j0 + j;
          // ||x_i - x_j||^2 = ||x_i||^2 + ||x_j||^2 - 2 x_i.x_j  (clamped at 0 against round-off)
          let dist = ni + sq[gj] - 2 * buf[row + j];
          if (dist < 0) dist = 0;
          if (dist < top[gi * k + last]) insert(gi, dist);
          if (dist < top[gj * k + last]) insert(gj, dist);
        }
      }
    }
    onRows?.(i0 + bi);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = top[i * k + last];
  return out;
}

/**
 * Improved precision and recall of generated features `fake` [nFake, d] against reference
 * features `real` [nReal, d] (row-major, any numeric array type).
 */
export function precisionRecall(
  real: Numeric, fake: Numeric, nReal: number, nFake: number, d: number,
  options: PrecisionRecallOptions = {},
): PrecisionRecallResult {
  checkShape('precisionRecall real', real, nReal, d);
  checkShape('precisionRecall fake', fake, nFake, d);
  const k = options.k ?? 3;
  const B = options.blockSize ?? 128;
  const R = toFloat64(real, false);
  const F = toFloat64(fake, false);
  const nr = rowSqNorms(R, nReal, d);
  const nf = rowSqNorms(F, nFake, d);
  const total = nReal + nFake + nReal;
  const report = options.onProgress;
  const radR = kthNeighbourSqDistances(R, nReal, d, k, B, nr, report && ((r) => report(r, total))); // squared k-NN radii, real balls
  const radF = kthNeighbourSqDistances(F, nFake, d, k, B, nf, report && ((r) => report(nReal + r, total))); // squared k-NN radii, fake balls
  const fakeIn = new Uint8Array(nFake); // f(phi_g, Phi_r)
  const realIn = new Uint8Array(nReal); // f(phi_r, Phi_g)
  const buf = new Float64Array(B * B);
  for (let r0 = 0; r0 < nReal; r0 += B) {
    const br = Math.min(B, nReal - r0);
    for (let f0 = 0; f0 < nFake; f0 += B) {
      const bf = Math.min(B, nFake - f0);
      // skip the tile when every sample in it is already known to be covered
      let open = false;
      for (let i = 0; i < br && !open; i++) if (!realIn[r0 + i]) open = true;
      for (let j = 0; j < bf && !open; j++) if (!fakeIn[f0 + j]) open = true;
      if (!open) continue;
      dotBlock(R, r0, br, F, f0, bf, d, buf, bf);
      for (let i = 0; i < br; i++) {
        const gi = r0 + i;
        const ni = nr[gi];
        const ri = radR[gi];
        let covered = realIn[gi];
        const row = i * bf;
        for (let j = 0; j < bf; j++) {
          const gj = f0 + j;
          const dist = ni + nf[gj] - 2 * buf[row + j]; // ||phi_r - phi_g||^2
          if (dist <= ri) fakeIn[gj] = 1; //           phi_g inside the ball of phi_r
          if (dist <= radF[gj]) covered = 1; //        phi_r inside the ball of phi_g
        }
        realIn[gi] = covered;
      }
    }
    report?.(nReal + nFake + r0 + br, total);
  }
  let p = 0, r = 0;
  for (let j = 0; j < nFake; j++) p += fakeIn[j];
  for (let i = 0; i < nReal; i++) r += realIn[i];
  return {
    precision: p / nFake,
    recall: r / nReal,
    k,
    realRadii: radR.map(Math.sqrt),
    fakeRadii: radF.map(Math.sqrt),
  };
}
