/**
 * Dense float64 linear algebra shared by the evaluation metrics (src/eval: FID, KID,
 * precision/recall) and the Gaussian models (src/distributions): plain TypeScript on row-major
 * `Float64Array`s, no tensors. Each function states its equation above it, e.g.
 *   Sigma = 1/(n - ddof) sum_i (x_i - mu)(x_i - mu)^T,   A = V diag(lambda) V^T,
 *   S^(1/2) = V diag(sqrt(max(lambda, 0))) V^T,   A = L L^T,   log det A = 2 sum_i log L_ii.
 *
 * Conventions: a matrix with n rows and m columns is a flat array of length n * m with entry
 * (i, j) at index i * m + j. Inputs may be any `ArrayLike<number>` (Float32Array included);
 * every result is float64.
 *
 * Contents: mean / covariance, matrix products, a blocked dot-product kernel shared by the
 * distance-based metrics, the symmetric eigen-decomposition (Householder tridiagonalisation
 * followed by implicit QL with Wilkinson-type shifts), the square root of a symmetric positive
 * semi-definite matrix, Cholesky, log-determinant and linear solves.
 */

/** Input data: a row-major [n, d] matrix in any numeric array type. */
export type Numeric = ArrayLike<number>;

/** Throws unless `x` holds exactly `n * d` numbers; `what` names the argument in the message. */
export function checkShape(what: string, x: Numeric, n: number, d: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d < 1) {
    throw new RangeError(`${what}: shape [${n}, ${d}] is not a valid matrix shape`);
  }
  if (x.length !== n * d) {
    throw new RangeError(`${what}: expected ${n} x ${d} = ${n * d} values, got ${x.length}`);
  }
}

/** A float64 copy of `x` (or `x` itself when it already is a Float64Array and `copy` is false). */
export function toFloat64(x: Numeric, copy = true): Float64Array {
  if (x instanceof Float64Array && !copy) return x;
  return Float64Array.from(x);
}

/** The n x n identity. */
export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** Transpose of an [n, m] matrix: an [m, n] matrix. */
export function transpose(a: Numeric, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const r = i * m;
    for (let j = 0; j < m; j++) out[j * n + i] = a[r + j];
  }
  return out;
}

/** Column means of an [n, d] matrix: mu_j = (1/n) sum_i x_ij. */
export function columnMean(x: Numeric, n: number, d: number): Float64Array {
  checkShape('columnMean', x, n, d);
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) mu[j] += x[r + j];
  }
  for (let j = 0; j < d; j++) mu[j] /= n;
  return mu;
}

/**
 * Mean and covariance of the rows of an [n, d] matrix, in float64:
 *   mu = (1/n) sum_i x_i,   Sigma = 1/(n - ddof) sum_i (x_i - mu)(x_i - mu)^T
 * `ddof = 1` (the default) is the unbiased estimate; `ddof = 0` is the maximum-likelihood one.
 * The data are centred first (two passes), which avoids the cancellation of E[xx^T] - mu mu^T.
 */
export function meanCov(x: Numeric, n: number, d: number, ddof: 0 | 1 = 1): { mean: Float64Array; cov: Float64Array } {
  checkShape('meanCov', x, n, d);
  if (n - ddof < 1) throw new RangeError(`meanCov: need at least ${ddof + 1} rows, got ${n}`);
  const mean = columnMean(x, n, d);
  // Xc^T as a [d, n] matrix, so that Sigma is the Gram matrix of its rows.
  const xct = new Float64Array(d * n);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) xct[j * n + i] = x[r + j] - mean[j];
  }
  const cov = gramSym(xct, d, n); // [d, d] = Xc^T Xc
  const scale = 1 / (n - ddof);
  for (let i = 0; i < cov.length; i++) cov[i] *= scale;
  return { mean, cov };
}

// ---------------------------------------------------------------------------------------------
// Products

/**
 * Blocked dot products between rows of two row-major matrices with `d` columns:
 *   out[i * ldo + j] = sum_k A[(a0 + i) d + k] * B[(b0 + j) d + k],   0 <= i < na, 0 <= j < nb.
 * The inner kernel computes a 4 x 4 tile per pass over k (16 multiply-adds per 8 loads), which
 * runs at about 2-2.5 G multiply-adds per second in V8; this is the workhorse of the covariance,
 * matrix products, KID and the k-NN distances of precision/recall.
 */
export function dotBlock(
  A: Float64Array, a0: number, na: number,
  B: Float64Array, b0: number, nb: number,
  d: number, out: Float64Array, ldo = nb,
): void {
  const na4 = na - (na % 4);
  const nb4 = nb - (nb % 4);
  for (let i = 0; i < na4; i += 4) {
    const p0 = (a0 + i) * d, p1 = p0 + d, p2 = p1 + d, p3 = p2 + d;
    for (let j = 0; j < nb4; j += 4) {
      const q0 = (b0 + j) * d, q1 = q0 + d, q2 = q1 + d, q3 = q2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < d; k++) {
        const y0 = B[q0 + k], y1 = B[q1 + k], y2 = B[q2 + k], y3 = B[q3 + k];
        let x = A[p0 + k];
        s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = A[p1 + k];
        s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        x = A[p2 + k];
        s20 += x * y0; s21 += x * y1; s22 += x * y2; s23 += x * y3;
        x = A[p3 + k];
        s30 += x * y0; s31 += x * y1; s32 += x * y2; s33 += x * y3;
      }
      let o = i * ldo + j;
      out[o] = s00; out[o + 1] = s01; out[o + 2] = s02; out[o + 3] = s03; o += ldo;
      out[o] = s10; out[o + 1] = s11; out[o + 2] = s12; out[o + 3] = s13; o += ldo;
      out[o] = s20; out[o + 1] = s21; out[o + 2] = s22; out[o + 3] = s23; o += ldo;
      out[o] = s30; out[o + 1] = s31; out[o + 2] = s32; out[o + 3] = s33;
    }
    for (let j = nb4; j < nb; j++) {
      const q = (b0 + j) * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < d; k++) {
        const y = B[q + k];
        s0 += A[p0 + k] * y; s1 += A[p1 + k] * y; s2 += A[p2 + k] * y; s3 += A[p3 + k] * y;
      }
      out[i * ldo + j] = s0; out[(i + 1) * ldo + j] = s1; out[(i + 2) * ldo + j] = s2; out[(i + 3) * ldo + j] = s3;
    }
  }
  for (let i = na4; i < na; i++) {
    const p = (a0 + i) * d;
    for (let j = 0; j < nb; j++) {
      const q = (b0 + j) * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += A[p + k] * B[q + k];
      out[i * ldo + j] = s;
    }
  }
}

const GRAM_BLOCK = 64;

/** Gram matrix G = X X^T of the rows of an [n, d] matrix: an [n, n] symmetric matrix. */
export function gramSym(x: Float64Array, n: number, d: number): Float64Array {
  const g = new Float64Array(n * n);
  const buf = new Float64Array(GRAM_BLOCK * GRAM_BLOCK);
  for (let i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
    const bi = Math.min(GRAM_BLOCK, n - i0);
    for (let j0 = i0; j0 < n; j0 += GRAM_BLOCK) {
      const bj = Math.min(GRAM_BLOCK, n - j0);
      dotBlock(x, i0, bi, x, j0, bj, d, buf, bj);
      for (let i = 0; i < bi; i++) {
        for (let j = 0; j < bj; j++) {
          const v = buf[i * bj + j];
          g[(i0 + i) * n + j0 + j] = v;
          g[(j0 + j) * n + i0 + i] = v;
        }
      }
    }
  }
  return g;
}

/** Matrix product C = A B with A [n, k] and B [k, m]; C is [n, m]. */
export function matmul(a: Numeric, b: Numeric, n: number, k: number, m: number): Float64Array {
  checkShape('matmul A', a, n, k);
  checkShape('matmul B', b, k, m);
  const af = toFloat64(a, false);
  const bt = transpose(b, k, m); // [m, k]: rows are the columns of B
  const c = new Float64Array(n * m);
  for (let i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
    const bi = Math.min(GRAM_BLOCK, n - i0);
    for (let j0 = 0; j0 < m; j0 += GRAM_BLOCK) {
      const bj = Math.min(GRAM_BLOCK, m - j0);
      // write the tile straight into C: row stride m, offset (i0, j0)
      dotBlock(af, i0, bi, bt, j0, bj, k, c.subarray(i0 * m + j0), m);
    }
  }
  return c;
}

/** y = A x for A [n, m]. */
export function matVec(a: Numeric, x: Numeric, n: number, m: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const r = i * m;
    for (let j = 0; j < m; j++) s += a[r + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** Trace of an n x n matrix. */
export function trace(a: Numeric, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i];
  return t;
}

/** Squared Euclidean norm of each row of an [n, d] matrix. */
export function rowSqNorms(x: Numeric, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const r = i * d;
    for (let k = 0; k < d; k++) s += x[r + k] * x[r + k];
    out[i] = s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Symmetric eigen-decomposition

/** A = sum_i values[i] v_i v_i^T with v_i = row i of `vectors` (an [n, n] row-major array). */
export interface SymEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Row i is the unit eigenvector for values[i]; the rows are orthonormal. */
  vectors: Float64Array;
}

/** sqrt(a^2 + b^2) without overflow or destructive underflow. */
function pythag(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  if (x > y) { const r = y / x; return x * Math.sqrt(1 + r * r); }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/**
 * Eigenvalues and eigenvectors of a symmetric n x n matrix (only the average (A + A^T)/2 is
 * used, so round-off asymmetry is harmless).
 *
 * 1. Householder tridiagonalisation: for k = 0..n-3 a reflector H_k = I - beta v v^T with
 *    H_k x = alpha e_1 (x = column k below the diagonal, alpha = -sign(x_1) ||x||) is applied
 *    on both sides, A <- H_k A H_k, via the symmetric rank-2 update
 *      p = beta A v,  q = p - (beta/2)(v^T p) v,  A <- A - v q^T - q v^T.
 *    So A = Q T Q^T with Q = H_0 H_1 ... H_{n-3} and T tridiagonal; Q^T is accumulated.
 * 2. Implicit QL on T with shifts from the leading 2x2 block (the classical `tqli` iteration),
 *    each Givens rotation also applied to the accumulated vectors, giving T = W Lambda W^T
 *    and A = (Q W) Lambda (Q W)^T.
 * Cost about 4 n^3 flops: n = 512 takes roughly 0.5 s in V8.
 */
export function symEigen(a: Numeric, n: number): SymEigen {
  checkShape('symEigen', a, n, n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) A[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  }
  // Zt holds Q^T (rows), later (Q W)^T: row i becomes eigenvector i.
  const Zt = identity(n);
  const diag = new Float64Array(n);
  const off = new Float64Array(n); // off[i] = T[i, i+1]; off[n-1] = 0
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  const u = new Float64Array(n);

  for (let k = 0; k < n - 2; k++) {
    const rk = k * n;
    diag[k] = A[rk + k];
    // x = A[k+1.., k] (= row k right of the diagonal, by symmetry), scaled to avoid overflow
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(A[rk + i]);
    if (scale === 0) { off[k] = 0; continue; } // column already reduced: H_k = I
    let sigma = 0;
    for (let i = k + 1; i < n; i++) { const t = A[rk + i] / scale; v[i] = t; sigma += t * t; }
    const x0 = v[k + 1];
    const alpha = x0 >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma); // H x = alpha e_1
    v[k + 1] = x0 - alpha; //                                         v = x - alpha e_1
    const vtv = 2 * (sigma - x0 * alpha); //                           v^T v = 2 sigma - 2 alpha x0 > 0
    const beta = 2 / vtv;
    off[k] = alpha * scale;
    // p = beta B v with B the trailing block A[k+1.., k+1..]; K = (beta/2) v^T p; q = p - K v
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += A[ri + j] * v[j];
      w[i] = beta * s;
      vp += v[i] * w[i];
    }
    const K = 0.5 * beta * vp;
    for (let i = k + 1; i < n; i++) w[i] -= K * v[i];
    // B <- B - v q^T - q v^T
    for (let i = k + 1; i < n; i++) {
      const ri = i * n, vi = v[i], wi = w[i];
      for (let j = k + 1; j < n; j++) A[ri + j] -= vi * w[j] + wi * v[j];
    }
    // Zt <- H_k Zt = Zt - beta v (v^T Zt)  (rows k+1.. only)
    u.fill(0);
    for (let i = k + 1; i < n; i++) {
      const ri = i * n, vi = v[i];
      for (let j = 0; j < n; j++) u[j] += vi * Zt[ri + j];
    }
    for (let i = k + 1; i < n; i++) {
      const ri = i * n, c = beta * v[i];
      for (let j = 0; j < n; j++) Zt[ri + j] -= c * u[j];
    }
  }
  if (n >= 2) {
    diag[n - 2] = A[(n - 2) * n + n - 2];
    off[n - 2] = A[(n - 2) * n + n - 1];
  }
  if (n >= 1) diag[n - 1] = A[n * n - 1];
  off[n - 1] = 0;

  // Implicit QL: deflate from the top, one eigenvalue at a time.
  // An off-diagonal e_m is negligible, and T splits there, when |e_m| <= eps * tst with
  // tst = max_{l' <= l} (|d_l'| + |e_l'|), a running estimate of ||T|| (as in EISPACK tql2). A purely
  // local test eps * (|d_m| + |d_m+1|) never fires between two (near-)zero eigenvalues, which every
  // rank-deficient covariance has; the norm-relative one gives eigenvalues to eps * ||A|| absolute,
  // the accuracy a backward-stable method guarantees anyway.
  const d = diag, e = off;
  let tst = 0;
  for (let l = 0; l < n; l++) {
    tst = Math.max(tst, Math.abs(d[l]) + Math.abs(e[l]));
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        if (Math.abs(e[m]) <= Number.EPSILON * tst) break; // negligible coupling: split here
      }
      if (m === l) break;
      if (++iter > 100) throw new Error(`symEigen: QL iteration did not converge (n = ${n})`);
      // shift mu = eigenvalue of the leading 2x2 block [d_l e_l; e_l d_l+1] closer to d_l
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = pythag(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let deflated = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * e[i], b = c * e[i];
        r = pythag(f, g);
        e[i + 1] = r;
        if (r === 0) { d[i + 1] -= p; e[m] = 0; deflated = true; break; }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        // rotate rows i and i+1 of the accumulated vectors
        const ri = i * n, rj = ri + n;
        for (let k = 0; k < n; k++) {
          const zi = Zt[ri + k], zj = Zt[rj + k];
          Zt[rj + k] = s * zi + c * zj;
          Zt[ri + k] = c * zi - s * zj;
        }
      }
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }

  // sort ascending
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const src = order[r];
    values[r] = d[src];
    vectors.set(Zt.subarray(src * n, src * n + n), r * n);
  }
  return { values, vectors };
}

/** sum_i f(lambda_i) v_i v_i^T from an eigen-decomposition: the matrix function f(A). */
export function eigenFunction(eig: SymEigen, n: number, f: (lambda: number) => number): Float64Array {
  // f(A) = V^T F V with V the rows of `vectors` = W^T W where W[i, :] = sqrt|f_i| v_i; signs
  // are handled by splitting positive and negative parts.
  const wp = new Float64Array(n * n);
  const wn = new Float64Array(n * n);
  let anyNeg = false;
  for (let i = 0; i < n; i++) {
    const fi = f(eig.values[i]);
    const s = Math.sqrt(Math.abs(fi));
    const dst = fi >= 0 ? wp : wn;
    if (fi < 0) anyNeg = true;
    for (let j = 0; j < n; j++) dst[i * n + j] = s * eig.vectors[i * n + j];
  }
  const out = gramSym(transpose(wp, n, n), n, n); // (W^T)(W^T)^T = W^T W
  if (anyNeg) {
    const neg = gramSym(transpose(wn, n, n), n, n);
    for (let i = 0; i < out.length; i++) out[i] -= neg[i];
  }
  return out;
}

/** The principal square root of a symmetric PSD matrix, with a report of what was clamped. */
export interface PsdSqrt {
  /** S^(1/2), symmetric PSD, [n, n]. */
  sqrt: Float64Array;
  /** Eigenvalues of S in ascending order (before clamping). */
  eigenvalues: Float64Array;
  /** How many eigenvalues were negative (round-off, or a matrix that is not PSD) and set to 0. */
  clampedCount: number;
  /** Sum of |lambda| over the clamped eigenvalues: 0 for an exactly PSD input. */
  clampedMass: number;
}

/**
 * S^(1/2) = V diag(sqrt(max(lambda_i, 0))) V^T for a symmetric positive semi-definite S.
 * Negative eigenvalues (round-off of a singular covariance) are clamped to 0 and reported.
 */
export function sqrtmPsd(s: Numeric, n: number): PsdSqrt {
  const eig = symEigen(s, n);
  let clampedCount = 0;
  let clampedMass = 0;
  for (const lambda of eig.values) {
    if (lambda < 0) { clampedCount++; clampedMass -= lambda; }
  }
  const sqrt = eigenFunction(eig, n, (lambda) => Math.sqrt(Math.max(lambda, 0)));
  return { sqrt, eigenvalues: eig.values, clampedCount, clampedMass };
}

// ---------------------------------------------------------------------------------------------
// Cholesky, determinants, solves

/** Thrown by `cholesky` for a matrix that is not (numerically) positive definite. */
export class NotPositiveDefiniteError extends Error {
  constructor(readonly pivot: number, readonly value: number) {
    super(`cholesky: matrix is not positive definite (pivot ${pivot} is ${value})`);
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * Cholesky factor of a symmetric positive definite matrix: A = L L^T with L lower triangular
 * (returned as a full [n, n] row-major array, zeros above the diagonal).
 *   L_jj = sqrt(A_jj - sum_{k<j} L_jk^2),  L_ij = (A_ij - sum_{k<j} L_ik L_jk) / L_jj  (i > j)
 * Reads only the lower triangle of A. Throws NotPositiveDefiniteError on a pivot <= 0.
 */
export function cholesky(a: Numeric, n: number): Float64Array {
  checkShape('cholesky', a, n, n);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0)) throw new NotPositiveDefiniteError(i, s);
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return L;
}

/** log det A = 2 sum_i log L_ii from a Cholesky factor L of A. */
export function logDetFromCholesky(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
  return 2 * s;
}

/** log det A of a symmetric positive definite A (via Cholesky). */
export function logDet(a: Numeric, n: number): number {
  return logDetFromCholesky(cholesky(a, n), n);
}

/** Solves L y = b by forward substitution (L lower triangular [n, n]); b has length n. */
export function forwardSubstitute(L: Float64Array, b: Numeric, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * y[k];
    y[i] = s / L[ri + i];
  }
  return y;
}

/** Solves L^T x = y by back substitution (L lower triangular [n, n]). */
export function backSubstituteT(L: Float64Array, y: Numeric, n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** Solves A x = b given the Cholesky factor L of A: L y = b, then L^T x = y. */
export function choleskySolve(L: Float64Array, b: Numeric, n: number): Float64Array {
  return backSubstituteT(L, forwardSubstitute(L, b, n), n);
}

/**
 * Solves A X = B for a general square A [n, n] and B [n, m] (m right-hand sides, default 1) by
 * LU decomposition with partial pivoting. Throws on a singular matrix.
 */
export function solve(a: Numeric, b: Numeric, n: number, m = 1): Float64Array {
  checkShape('solve A', a, n, n);
  checkShape('solve B', b, n, m);
  const lu = toFloat64(a);
  const x = toFloat64(b);
  let amax = 0;
  for (let i = 0; i < lu.length; i++) amax = Math.max(amax, Math.abs(lu[i]));
  for (let k = 0; k < n; k++) {
    let piv = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) { best = v; piv = i; }
    }
    if (best <= amax * n * Number.EPSILON) throw new Error(`solve: matrix is singular to working precision (column ${k})`);
    if (piv !== k) {
      for (let j = 0; j < n; j++) { const t = lu[k * n + j]; lu[k * n + j] = lu[piv * n + j]; lu[piv * n + j] = t; }
      for (let j = 0; j < m; j++) { const t = x[k * m + j]; x[k * m + j] = x[piv * m + j]; x[piv * m + j] = t; }
    }
    const pk = lu[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k] / pk;
      if (f === 0) continue;
      lu[i * n + k] = f;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
      for (let j = 0; j < m; j++) x[i * m + j] -= f * x[k * m + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = 0; j < m; j++) {
      let s = x[i * m + j];
      for (let k = i + 1; k < n; k++) s -= lu[i * n + k] * x[k * m + j];
      x[i * m + j] = s / lu[i * n + i];
    }
  }
  return x;
}
