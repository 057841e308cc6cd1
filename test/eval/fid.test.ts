/** Fréchet distance: closed forms (commuting, 2x2, general via Denman-Beavers), sample convergence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featureStats, fid, frechetDistance } from '../../src/eval/fid.js';
import { matmul, solve, transpose } from '../../src/math/linalg.js';
import { Gaussian } from '../../src/distributions/gaussian.js';
import { Rng } from '../../src/util/rng.js';

function randomSpd(rng: Rng, n: number, m = 2 * n): Float64Array {
  const b = Float64Array.from(rng.normalArray(n * m));
  const a = matmul(b, transpose(b, n, m), n, m, n);
  for (let i = 0; i < a.length; i++) a[i] = a[i] / m + (i % (n + 1) === 0 ? 0.1 : 0);
  return a;
}

function trace(a: ArrayLike<number>, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i];
  return t;
}

/**
 * Independent reference: the principal square root of a (non-symmetric) matrix M with positive
 * eigenvalues by the Denman-Beavers iteration Y <- (Y + Z^-1)/2, Z <- (Z + Y^-1)/2, Y -> M^(1/2).
 */
function denmanBeaversSqrt(m: Float64Array, n: number): Float64Array {
  let Y = Float64Array.from(m);
  let Z = new Float64Array(n * n);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) { Z[i * n + i] = 1; eye[i * n + i] = 1; }
  for (let it = 0; it < 60; it++) {
    const Yi = solve(Y, eye, n, n), Zi = solve(Z, eye, n, n);
    const Y2 = Y.map((v, i) => 0.5 * (v + Zi[i]));
    const Z2 = Z.map((v, i) => 0.5 * (v + Yi[i]));
    let delta = 0;
    for (let i = 0; i < n * n; i++) delta = Math.max(delta, Math.abs(Y2[i] - Y[i]));
    Y = Y2; Z = Z2;
    if (delta < 1e-15) break;
  }
  return Y;
}

test('FID of a set with itself is 0 and FID is symmetric', () => {
  const rng = new Rng(1);
  const n = 500, d = 16;
  const a = rng.normalArray(n * d), b = rng.normalArray(n * d, 0.3, 1.4);
  const sa = featureStats(a, n, d);
  const self = frechetDistance(sa, sa);
  assert.ok(Math.abs(self.meanTerm + self.covTerm) < 1e-10 * trace(sa.sigma, d), `self: ${self.meanTerm + self.covTerm}`);
  assert.ok(self.distance < 1e-10);
  // fewer samples than dimensions (singular covariances, most eigenvalues 0): still 0 against itself
  const small = featureStats(rng.normalArray(40 * 100), 40, 100);
  const selfSmall = frechetDistance(small, small);
  assert.ok(Math.abs(selfSmall.covTerm) < 1e-10 * trace(small.sigma, 100), `singular self: ${selfSmall.covTerm}`);
  assert.ok(selfSmall.clampedMass < 1e-10);
  const ab = fid(a, b, n, n, d), ba = fid(b, a, n, n, d);
  assert.ok(ab > 1, 'different sets are far apart');
  assert.ok(Math.abs(ab - ba) < 1e-10 * ab, `symmetry ${ab} vs ${ba}`);
});

test('Fréchet distance: commuting (diagonal) case = ||mu1 - mu2||^2 + sum (sqrt a_i - sqrt b_i)^2', () => {
  const d = 5;
  const mu1 = Float64Array.from([0, 1, 2, 3, 4]), mu2 = Float64Array.from([1, 1, 0, 3, 5]);
  const va = [1, 4, 0.25, 9, 2], vb = [4, 1, 0.25, 1, 0.5];
  const s1 = new Float64Array(d * d), s2 = new Float64Array(d * d);
  for (let i = 0; i < d; i++) { s1[i * d + i] = va[i]; s2[i * d + i] = vb[i]; }
  let want = 1 + 4 + 1; // ||mu1 - mu2||^2
  for (let i = 0; i < d; i++) want += (Math.sqrt(va[i]) - Math.sqrt(vb[i])) ** 2;
  const got = frechetDistance({ mu: mu1, sigma: s1 }, { mu: mu2, sigma: s2 });
  assert.ok(Math.abs(got.distance - want) < 1e-12, `${got.distance} vs ${want}`);
  assert.equal(got.meanTerm, 6);
  // commuting but not diagonal: S1 = R D1 R^T, S2 = R D2 R^T with the same rotation
  const c = Math.cos(0.7), s = Math.sin(0.7);
  const R = [c, -s, s, c];
  const rot = (dd: number[]) => matmul(matmul(R, dd, 2, 2, 2), transpose(R, 2, 2), 2, 2, 2);
  const r = frechetDistance({ mu: new Float64Array(2), sigma: rot([1, 0, 0, 9]) }, { mu: new Float64Array(2), sigma: rot([4, 0, 0, 1]) });
  assert.ok(Math.abs(r.distance - ((1 - 2) ** 2 + (3 - 1) ** 2)) < 1e-12);
});

test('Fréchet distance: 2x2 closed form Tr((S1 S2)^(1/2)) = sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2))', () => {
  const s1 = Float64Array.from([2, 0.8, 0.8, 1]);
  const s2 = Float64Array.from([0.5, -0.3, -0.3, 3]);
  const p = matmul(s1, s2, 2, 2, 2);
  const det = (m: Float64Array) => m[0] * m[3] - m[1] * m[2];
  // a 2x2 matrix with eigenvalues l1, l2 >= 0: (sqrt l1 + sqrt l2)^2 = tr + 2 sqrt(det)
  const trSqrt = Math.sqrt(p[0] + p[3] + 2 * Math.sqrt(det(s1) * det(s2)));
  const mu1 = Float64Array.from([0.5, -1]), mu2 = Float64Array.from([0, 0]);
  const want = 1.25 + (2 + 1) + (0.5 + 3) - 2 * trSqrt;
  const got = frechetDistance({ mu: mu1, sigma: s1 }, { mu: mu2, sigma: s2 });
  assert.ok(Math.abs(got.traceSqrt - trSqrt) < 1e-13, `${got.traceSqrt} vs ${trSqrt}`);
  assert.ok(Math.abs(got.distance - want) < 1e-12);
});

test('Fréchet distance: general case matches Denman-Beavers sqrtm of S1 S2 (d = 12), also with singular S1', () => {
  const rng = new Rng(2);
  const d = 12;
  const s1 = randomSpd(rng, d), s2 = randomSpd(rng, d);
  const ref = trace(denmanBeaversSqrt(matmul(s1, s2, d, d, d), d), d);
  const got = frechetDistance({ mu: new Float64Array(d), sigma: s1 }, { mu: new Float64Array(d), sigma: s2 });
  assert.ok(Math.abs(got.traceSqrt - ref) < 1e-10 * ref, `${got.traceSqrt} vs ${ref}`);
  assert.ok(Math.abs(got.distance - (trace(s1, d) + trace(s2, d) - 2 * ref)) < 1e-9);
  // rank-deficient S1 (rank 4 < 12): the symmetric route still works where S1 S2 is singular;
  // reference: the same identity with S1 + eps I, eps -> 0 (the trace is continuous in S1)
  const b = Float64Array.from(rng.normalArray(d * 4));
  const low = matmul(b, transpose(b, d, 4), d, 4, d);
  const sing = frechetDistance({ mu: new Float64Array(d), sigma: low }, { mu: new Float64Array(d), sigma: s2 });
  const eps = 1e-9;
  const lowEps = low.map((v, i) => v + (i % (d + 1) === 0 ? eps : 0));
  const refSing = trace(denmanBeaversSqrt(matmul(lowEps, s2, d, d, d), d), d);
  assert.ok(Math.abs(sing.traceSqrt - refSing) < 1e-4 * refSing, `${sing.traceSqrt} vs ${refSing}`);
});

test('FID from samples converges to the closed form of the two Gaussians as n grows', () => {
  const rng = new Rng(3);
  const d = 4;
  const sigma1 = randomSpd(rng, d), sigma2 = randomSpd(rng, d);
  const mu1 = [0, 0.5, -0.5, 1], mu2 = [0.3, 0.5, 0, 1];
  const exact = frechetDistance({ mu: Float64Array.from(mu1), sigma: sigma1 }, { mu: Float64Array.from(mu2), sigma: sigma2 }).distance;
  const g1 = new Gaussian({ kind: 'gaussian', covariance: 'full', dim: d, mean: mu1, cov: Array.from(sigma1) });
  const g2 = new Gaussian({ kind: 'gaussian', covariance: 'full', dim: d, mean: mu2, cov: Array.from(sigma2) });
  // root-mean-square error over 4 independent draws at each n
  const rms = (n: number): number => {
    let s = 0;
    for (let r = 0; r < 4; r++) s += (fid(g1.sample(rng, n), g2.sample(rng, n), n, n, d) - exact) ** 2;
    return Math.sqrt(s / 4);
  };
  const small = rms(1000), large = rms(100000);
  // the error shrinks like 1/sqrt(n) (bias like 1/n): 10x over this range; ask for 4x
  assert.ok(large < 0.02 * exact, `n = 100000: rms error ${large}, exact ${exact}`);
  assert.ok(large < small / 4, `rms errors ${small} (n = 1000) vs ${large} (n = 100000)`);
});
