/** KID: the unbiased cubic-kernel MMD^2 against a naive implementation, unbiasedness, power. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kid, mmd2PolyUnbiased } from '../../src/eval/kid.js';
import { meanStd } from '../../src/eval/stats.js';
import { Rng } from '../../src/util/rng.js';

/** Naive kernel sums: sum over all (i, j), or over i != j when `offDiagonal`. */
function naiveSum(x: ArrayLike<number>, n: number, y: ArrayLike<number>, m: number, d: number, offDiagonal: boolean): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    if (offDiagonal && i === j) continue;
    let dot = 0;
    for (let t = 0; t < d; t++) dot += x[i * d + t] * y[j * d + t];
    s += (dot / d + 1) ** 3;
  }
  return s;
}

test('mmd2PolyUnbiased equals the formula evaluated naively (odd sizes exercise the tile edges)', () => {
  const rng = new Rng(1);
  const d = 7, m = 71, m2 = 66;
  const x = Float64Array.from(rng.normalArray(m * d)), y = Float64Array.from(rng.normalArray(m2 * d, 0.2));
  const want = naiveSum(x, m, x, m, d, true) / (m * (m - 1)) + naiveSum(y, m2, y, m2, d, true) / (m2 * (m2 - 1))
    - (2 * naiveSum(x, m, y, m2, d, false)) / (m * m2);
  const got = mmd2PolyUnbiased(x, m, y, m2, d);
  assert.ok(Math.abs(got - want) < 1e-12 * Math.abs(want) + 1e-14, `${got} vs ${want}`);
});

test('KID is unbiased: mean over independent same-distribution draws is 0 within 3 standard errors, the V-statistic is not', () => {
  const rng = new Rng(2);
  const d = 8, m = 100, reps = 300;
  const u: number[] = [];
  const v: number[] = [];
  for (let r = 0; r < reps; r++) {
    const x = rng.normalArray(m * d), y = rng.normalArray(m * d);
    u.push(kid(x, y, m, m, d, { subsets: 1, subsetSize: m }).kid);
    // biased V-statistic: diagonal terms included, 1/m^2 everywhere
    v.push((naiveSum(x, m, x, m, d, false) + naiveSum(y, m, y, m, d, false) - 2 * naiveSum(x, m, y, m, d, false)) / (m * m));
  }
  const su = meanStd(u, 1), sv = meanStd(v, 1);
  const seU = su.std / Math.sqrt(reps), seV = sv.std / Math.sqrt(reps);
  assert.ok(Math.abs(su.mean) < 3 * seU, `unbiased mean ${su.mean}, standard error ${seU}`);
  assert.ok(sv.mean > 10 * seV, `V-statistic mean ${sv.mean} should be clearly positive (se ${seV})`);
});

test('KID is clearly positive between different distributions and grows with the shift', () => {
  const rng = new Rng(3);
  const d = 16, n = 600;
  const x = rng.normalArray(n * d);
  const results = [0.25, 0.5, 1].map((shift) => kid(x, rng.normalArray(n * d, shift), n, n, d, { subsets: 20, subsetSize: 300, rng: new Rng(9) }));
  for (const r of results) assert.ok(r.kid > 5 * r.kidStd / Math.sqrt(20), `kid ${r.kid} +- ${r.kidStd}`);
  assert.ok(results[0].kid < results[1].kid && results[1].kid < results[2].kid);
  // same seed, same subsets, same answer; a smaller subset than n gives a spread
  const again = kid(x, rng.normalArray(n * d, 0.5), n, n, d, { subsets: 20, subsetSize: 300, rng: new Rng(9) });
  assert.ok(again.kidStd > 0 && again.values.length === 20 && again.subsetSize === 300);
});

test('KID of a set against itself (whole set as the subset) equals the closed form, slightly negative', () => {
  const rng = new Rng(4);
  const d = 3, n = 50;
  const x = rng.normalArray(n * d);
  const r = kid(x, x, n, n, d, { subsets: 5, subsetSize: n });
  // X = Y: MMD^2_u = 2 S_off / (n(n-1)) - 2 (S_off + S_diag) / n^2 with S_off = sum_{i != j} k, S_diag = sum_i k(x_i, x_i)
  const diag = naiveSum(x, n, x, n, d, false) - naiveSum(x, n, x, n, d, true);
  const off = naiveSum(x, n, x, n, d, true);
  const want = (2 * off) / (n * (n - 1)) - (2 * (off + diag)) / (n * n);
  assert.ok(Math.abs(r.kid - want) < 1e-12 * Math.abs(want), `${r.kid} vs ${want}`);
  assert.equal(r.kidStd, 0);
  assert.ok(want < 0);
});
