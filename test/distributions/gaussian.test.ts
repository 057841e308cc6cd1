/** Gaussian MLE, log-density by hand, sampling, JSON records, the ridge. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gaussian, fitGaussian, parseGaussianParams, univariateMle } from '../../src/distributions/gaussian.js';
import type { GaussianParams } from '../../src/distributions/gaussian.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const LOG_2PI = Math.log(2 * Math.PI);

test('univariate MLE: sample mean and the biased 1/n variance', () => {
  const x = [1, 2, 3, 4];
  const { mean, variance } = univariateMle(x);
  assert.equal(mean, 2.5);
  assert.equal(variance, (2.25 + 0.25 + 0.25 + 2.25) / 4); // 1.25, not the unbiased 5/3
  // it maximises the likelihood: any other (mu, sigma^2) scores lower
  const ll = (m: number, v: number) => x.reduce((s, t) => s - 0.5 * (LOG_2PI + Math.log(v) + (t - m) ** 2 / v), 0);
  for (const [dm, fv] of [[0.1, 1], [-0.1, 1], [0, 4 / 3], [0, 0.9]]) assert.ok(ll(mean + dm, variance * fv) < ll(mean, variance));
});

test('multivariate MLE equals the sample mean and the 1/n covariance (computed naively), diag = its diagonal', () => {
  const rng = new Rng(1);
  const n = 50, d = 3;
  const x = rng.normalArray(n * d, 1, 2);
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  const cov = new Array<number>(d * d).fill(0);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    cov[a * d + b] += ((x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b])) / n;
  }
  const full = fitGaussian(x, n, d, { covariance: 'full' });
  assert.equal(full.covariance, 'full');
  if (full.covariance !== 'full') return;
  for (let j = 0; j < d; j++) assert.ok(Math.abs(full.mean[j] - mean[j]) < 1e-12);
  for (let t = 0; t < d * d; t++) assert.ok(Math.abs(full.cov[t] - cov[t]) < 1e-12);
  const diag = fitGaussian(x, n, d, { covariance: 'diag' });
  if (diag.covariance !== 'diag') return assert.fail('diag expected');
  for (let j = 0; j < d; j++) assert.ok(Math.abs(diag.var[j] - cov[j * d + j]) < 1e-12);
  // per coordinate the diagonal model is the univariate MLE
  const col0 = Array.from({ length: n }, (_, i) => x[i * d]);
  assert.ok(Math.abs(diag.var[0] - univariateMle(col0).variance) < 1e-12);
  // the ridge is added to the diagonal only
  const ridged = fitGaussian(x, n, d, { covariance: 'full', ridge: 0.5 });
  if (ridged.covariance !== 'full') return;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) assert.ok(Math.abs(ridged.cov[a * d + b] - cov[a * d + b] - (a === b ? 0.5 : 0)) < 1e-12);
  // the MLE beats the unbiased covariance and a shifted mean on the training log-likelihood
  const g = new Gaussian(full);
  const unbiased = new Gaussian({ ...full, cov: full.cov.map((v) => (v * n) / (n - 1)) });
  const shifted = new Gaussian({ ...full, mean: full.mean.map((v) => v + 0.05) });
  assert.ok(g.meanLogLikelihood(x, n) > unbiased.meanLogLikelihood(x, n));
  assert.ok(g.meanLogLikelihood(x, n) > shifted.meanLogLikelihood(x, n));
});

test('logPdf matches hand-computed values (2-D full, diag, univariate standard normal)', () => {
  // Sigma = [[2, 0.5], [0.5, 1]], det = 1.75, Sigma^-1 = [[1, -0.5], [-0.5, 2]] / 1.75; x - mu = (1, 1)
  const g = new Gaussian({ kind: 'gaussian', covariance: 'full', dim: 2, mean: [1, -1], cov: [2, 0.5, 0.5, 1] });
  const maha = (1 - 0.5 - 0.5 + 2) / 1.75;
  const want = -0.5 * (2 * LOG_2PI + Math.log(1.75) + maha);
  assert.ok(Math.abs(g.logPdf([2, 0]) - want) < 1e-14, `${g.logPdf([2, 0])} vs ${want}`);
  assert.ok(Math.abs(g.logDet - Math.log(1.75)) < 1e-15);
  // diag: sum of univariate log-densities
  const dg = new Gaussian({ kind: 'gaussian', covariance: 'diag', dim: 2, mean: [0, 1], var: [4, 0.25] });
  const uni = (x: number, m: number, v: number) => -0.5 * (LOG_2PI + Math.log(v) + (x - m) ** 2 / v);
  assert.ok(Math.abs(dg.logPdf([1, 2]) - (uni(1, 0, 4) + uni(2, 1, 0.25))) < 1e-14);
  const std = new Gaussian({ kind: 'gaussian', covariance: 'diag', dim: 1, mean: [0], var: [1] });
  assert.ok(Math.abs(std.logPdf([0]) + 0.5 * LOG_2PI) < 1e-15);
  // batch with offsets agrees with single calls
  const batch = g.logPdfBatch([2, 0, 1, -1, 0, 0], 3);
  assert.ok(Math.abs(batch[0] - want) < 1e-14 && Math.abs(batch[1] - g.logPdf([1, -1])) < 1e-15 && Math.abs(batch[2] - g.logPdf([0, 0])) < 1e-15);
  // large batches of a full Gaussian go through L^-1 and the blocked kernel: same values
  const rng = new Rng(8);
  const d = 37, n = 150;
  const big = Gaussian.fit(rng.normalArray(400 * d, 0.5, 2), 400, d);
  const xs = rng.normalArray(n * d);
  const lp = big.logPdfBatch(xs, n);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(lp[i] - big.logPdf(xs, i * d)) < 1e-10 * Math.abs(lp[i]), `row ${i}`);
});

test('sampling x = mu + L z reproduces the mean and covariance; fitting the samples recovers the parameters', () => {
  const params: GaussianParams = { kind: 'gaussian', covariance: 'full', dim: 3, mean: [1, -2, 0.5], cov: [2, 0.6, -0.3, 0.6, 1, 0.2, -0.3, 0.2, 0.5] };
  const g = new Gaussian(params);
  const n = 100000;
  const x = g.sample(new Rng(2), n);
  const fit = fitGaussian(x, n, 3);
  if (fit.covariance !== 'full') return assert.fail();
  // standard errors: mean sqrt(S_jj / n) <= 0.0045; covariance entries <= sqrt(2 * 2^2 / n) = 0.009
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(fit.mean[j] - params.mean[j]) < 0.02, `mean ${j}`);
  for (let t = 0; t < 9; t++) assert.ok(Math.abs(fit.cov[t] - params.cov[t]) < 0.04, `cov ${t}: ${fit.cov[t]} vs ${params.cov[t]}`);
  const dg = new Gaussian({ kind: 'gaussian', covariance: 'diag', dim: 2, mean: [3, -1], var: [0.25, 9] });
  const y = dg.sample(new Rng(3), n);
  const dfit = fitGaussian(y, n, 2, { covariance: 'diag' });
  if (dfit.covariance !== 'diag') return assert.fail();
  assert.ok(Math.abs(dfit.var[0] - 0.25) < 0.01 && Math.abs(dfit.var[1] - 9) < 0.3 && Math.abs(dfit.mean[0] - 3) < 0.01);
  // same seed, same samples
  assert.deepEqual(g.sample(new Rng(5), 3), g.sample(new Rng(5), 3));
});

test('parameter records survive JSON; bad records and singular covariances raise UserError naming the fix', () => {
  const rng = new Rng(4);
  const x = rng.normalArray(40 * 3);
  for (const covariance of ['full', 'diag'] as const) {
    const p = fitGaussian(x, 40, 3, { covariance });
    const back = parseGaussianParams(JSON.parse(JSON.stringify(p)), 'model.json');
    assert.deepEqual(back, p);
    assert.equal(new Gaussian(back).logPdf([0.1, 0.2, 0.3]), new Gaussian(p).logPdf([0.1, 0.2, 0.3]));
  }
  assert.throws(() => parseGaussianParams({ kind: 'gaussian', covariance: 'full', dim: 2, mean: [0, 0], cov: [1, 0, 0] }, 'm.json'), (e: unknown) => e instanceof UserError && /m\.json: gaussian 'cov' must be 4/.test(e.message));
  assert.throws(() => parseGaussianParams({ kind: 'vae' }, 'm.json'), UserError);
  // a constant coordinate (like a border pixel): singular without a ridge, fine with one
  const y = Float64Array.from(rng.normalArray(30 * 3));
  for (let i = 0; i < 30; i++) y[i * 3 + 1] = 0;
  assert.throws(() => Gaussian.fit(y, 30, 3, { covariance: 'full' }), (e: unknown) => e instanceof UserError && /ridge > 0/.test(e.message));
  assert.throws(() => Gaussian.fit(y, 30, 3, { covariance: 'diag' }), (e: unknown) => e instanceof UserError && /ridge > 0/.test(e.message));
  const ok = Gaussian.fit(y, 30, 3, { covariance: 'full', ridge: 1e-2 });
  assert.ok(Number.isFinite(ok.logPdf([0, 0, 0])));
  // n <= d: rank-deficient, the ridge makes it usable
  assert.throws(() => Gaussian.fit(rng.normalArray(5 * 8), 5, 8), UserError);
  assert.ok(Number.isFinite(Gaussian.fit(rng.normalArray(5 * 8), 5, 8, { ridge: 0.1 }).logDet));
});
