/** Dense linear algebra: eigen-decomposition, PSD square root, Cholesky, solves, covariance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cholesky, choleskySolve, dotBlock, logDet, matmul, meanCov, solve, sqrtmPsd, symEigen, transpose,
} from '../../src/math/linalg.js';
import { Rng } from '../../src/util/rng.js';

function randomSymmetric(rng: Rng, n: number): Float64Array {
  const x = rng.normalArray(n * n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = x[i * n + j] + x[j * n + i];
  return a;
}

/** A = B B^T / m with B [n, m]: PSD, rank min(n, m). */
function randomPsd(rng: Rng, n: number, m: number): Float64Array {
  const b = Float64Array.from(rng.normalArray(n * m));
  const a = matmul(b, transpose(b, n, m), n, m, n);
  for (let i = 0; i < a.length; i++) a[i] /= m;
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Naive triple-loop product, independent of the blocked kernel. */
function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * m + j];
    c[i * m + j] = s;
  }
  return c;
}

test('blocked matmul and dotBlock agree with the naive product, including ragged edges', () => {
  const rng = new Rng(1);
  for (const [n, k, m] of [[1, 1, 1], [3, 5, 2], [7, 13, 9], [70, 33, 67], [130, 4, 5]]) {
    const a = rng.normalArray(n * k), b = rng.normalArray(k * m);
    assert.ok(maxAbsDiff(matmul(a, b, n, k, m), naiveMatmul(a, b, n, k, m)) < 1e-12, `${n}x${k}x${m}`);
  }
  // a tile written at an offset with a row stride leaves the rest untouched
  const A = Float64Array.from(rng.normalArray(9 * 6)), B = Float64Array.from(rng.normalArray(7 * 6));
  const out = new Float64Array(20 * 20).fill(-7);
  dotBlock(A, 2, 6, B, 1, 5, 6, out.subarray(3 * 20 + 4), 20);
  for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) {
    const inside = i >= 3 && i < 9 && j >= 4 && j < 9;
    let want = -7;
    if (inside) { want = 0; for (let t = 0; t < 6; t++) want += A[(2 + i - 3) * 6 + t] * B[(1 + j - 4) * 6 + t]; }
    assert.ok(Math.abs(out[i * 20 + j] - want) < 1e-12, `tile entry ${i},${j}`);
  }
});

test('symEigen reconstructs A = V^T diag(lambda) V to 1e-10 with orthonormal eigenvectors', () => {
  const rng = new Rng(2);
  for (const n of [1, 2, 3, 8, 40, 130]) {
    const a = randomSymmetric(rng, n);
    const { values, vectors } = symEigen(a, n);
    for (let i = 1; i < n; i++) assert.ok(values[i] >= values[i - 1], 'ascending');
    const scaled = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = values[i] * vectors[i * n + j];
    const recon = matmul(transpose(vectors, n, n), scaled, n, n, n); // V^T (Lambda V)
    assert.ok(maxAbsDiff(recon, a) < 1e-10, `reconstruction n=${n}: ${maxAbsDiff(recon, a)}`);
    const gram = matmul(vectors, transpose(vectors, n, n), n, n, n);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    assert.ok(maxAbsDiff(gram, eye) < 1e-12, `orthonormal n=${n}`);
    // trace and Frobenius norm are preserved: sum lambda = tr A, sum lambda^2 = ||A||_F^2
    let tr = 0, fro = 0, sl = 0, sl2 = 0;
    for (let i = 0; i < n; i++) { tr += a[i * n + i]; sl += values[i]; sl2 += values[i] ** 2; }
    for (const v of a) fro += v * v;
    assert.ok(Math.abs(tr - sl) < 1e-10 * (1 + Math.abs(tr)) && Math.abs(fro - sl2) < 1e-10 * fro);
  }
});

test('symEigen: known spectra (2x2 closed form, diagonal, repeated eigenvalues, zero matrix)', () => {
  // [[a, b], [b, c]]: lambda = (a + c)/2 -+ sqrt(((a - c)/2)^2 + b^2)
  const [a, b, c] = [2, -1.5, 0.25];
  const r = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  const e = symEigen([a, b, b, c], 2);
  assert.ok(Math.abs(e.values[0] - ((a + c) / 2 - r)) < 1e-14 && Math.abs(e.values[1] - ((a + c) / 2 + r)) < 1e-14);
  const diag = symEigen([3, 0, 0, 0, -1, 0, 0, 0, 2], 3);
  assert.deepEqual(Array.from(diag.values), [-1, 2, 3]);
  // 5 I + u u^T: eigenvalues 5 (x4) and 5 + ||u||^2
  const n = 5;
  const u = [1, 2, 0, -1, 0.5];
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (i === j ? 5 : 0) + u[i] * u[j];
  const ev = symEigen(m, n).values;
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(ev[i] - 5) < 1e-12);
  assert.ok(Math.abs(ev[4] - (5 + 1 + 4 + 1 + 0.25)) < 1e-12);
  assert.deepEqual(Array.from(symEigen(new Float64Array(9), 3).values), [0, 0, 0]);
});

test('symEigen on rank-deficient and graded spectra (many zero eigenvalues, 1e-12 .. 1)', () => {
  const rng = new Rng(5);
  // a covariance of 100 samples in 256 dimensions: rank 99, 157 zero eigenvalues (a QL split test
  // relative to the neighbouring diagonal entries alone never converges on this one)
  const n = 256;
  const { cov } = meanCov(rng.normalArray(100 * n), 100, n);
  const e = symEigen(cov, n);
  let zeros = 0;
  for (const v of e.values) if (Math.abs(v) < 1e-12 * e.values[n - 1]) zeros++;
  assert.equal(zeros, n - 99);
  // Q diag(10^(-12 + 12 i / (m - 1))) Q^T with a random orthonormal Q: eigenvalues to eps * ||A||
  const m = 120;
  const Q = symEigen(randomSymmetric(rng, m), m).vectors;
  const vals = Array.from({ length: m }, (_, i) => 10 ** (-12 + (12 * i) / (m - 1)));
  const scaled = Q.map((v, t) => v * vals[Math.floor(t / m)]);
  const a = matmul(transpose(Q, m, m), scaled, m, m, m);
  const got = symEigen(a, m).values;
  for (let i = 0; i < m; i++) assert.ok(Math.abs(got[i] - vals[i]) < 1e-14, `eigenvalue ${i}: ${got[i]} vs ${vals[i]}`);
});

test('sqrtmPsd squares back to S, is symmetric, and reports clamped negative eigenvalues', () => {
  const rng = new Rng(3);
  for (const [n, m] of [[6, 20], [50, 200], [40, 10]]) { // the last is rank-deficient
    const s = randomPsd(rng, n, m);
    const r = sqrtmPsd(s, n);
    const sq = matmul(r.sqrt, r.sqrt, n, n, n);
    assert.ok(maxAbsDiff(sq, s) < 1e-10, `square back n=${n} m=${m}: ${maxAbsDiff(sq, s)}`);
    assert.ok(maxAbsDiff(r.sqrt, transpose(r.sqrt, n, n)) < 1e-14);
    assert.ok(r.clampedMass < 1e-10, 'only round-off is clamped');
  }
  // diag(4, -1e-3, 9): the negative eigenvalue is clamped and reported
  const r = sqrtmPsd([4, 0, 0, 0, -1e-3, 0, 0, 0, 9], 3);
  assert.equal(r.clampedCount, 1);
  assert.ok(Math.abs(r.clampedMass - 1e-3) < 1e-15);
  assert.ok(maxAbsDiff(r.sqrt, [2, 0, 0, 0, 0, 0, 0, 0, 3]) < 1e-14);
});

test('cholesky: L L^T = A, log det, solves; non-PD input throws', () => {
  const rng = new Rng(4);
  const n = 30;
  const a = randomPsd(rng, n, 60);
  const L = cholesky(a, n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(L[i * n + j], 0);
  assert.ok(maxAbsDiff(matmul(L, transpose(L, n, n), n, n, n), a) < 1e-12);
  // log det A = sum log lambda_i
  const ev = symEigen(a, n).values;
  const ld = ev.reduce((s, v) => s + Math.log(v), 0);
  assert.ok(Math.abs(logDet(a, n) - ld) < 1e-9, `${logDet(a, n)} vs ${ld}`);
  const b = rng.normalArray(n);
  const x1 = choleskySolve(L, b, n);
  const x2 = solve(a, b, n);
  assert.ok(maxAbsDiff(matmul(a, x1, n, n, 1), b) < 1e-9);
  assert.ok(maxAbsDiff(x1, x2) < 1e-8 * Math.max(...Array.from(x1, Math.abs)));
  // non-symmetric general solve with two right-hand sides and a needed pivot
  const g = [0, 2, 1, 1, 1, 0, 3, 0, 1];
  const rhs = [1, 2, 3, 4, 5, 6];
  assert.ok(maxAbsDiff(matmul(g, solve(g, rhs, 3, 2), 3, 3, 2), rhs) < 1e-12);
  assert.throws(() => cholesky([1, 2, 2, 1], 2), /not positive definite/);
  assert.throws(() => solve([1, 2, 2, 4], [1, 1], 2), /singular/);
});

test('meanCov: unbiased (n - 1) and MLE (n) covariances by the definition', () => {
  const x = [1, 2, 3, 5, 4, 4, 0, 7];
  const { mean, cov } = meanCov(x, 4, 2);
  assert.deepEqual(Array.from(mean), [2, 4.5]);
  // centred: (-1, -2.5), (1, 0.5), (2, -0.5), (-2, 2.5)
  const sxx = 1 + 1 + 4 + 4, sxy = 2.5 + 0.5 - 1 - 5, syy = 6.25 + 0.25 + 0.25 + 6.25;
  assert.ok(maxAbsDiff(cov, [sxx / 3, sxy / 3, sxy / 3, syy / 3]) < 1e-15);
  assert.ok(maxAbsDiff(meanCov(x, 4, 2, 0).cov, [sxx / 4, sxy / 4, sxy / 4, syy / 4]) < 1e-15);
});
