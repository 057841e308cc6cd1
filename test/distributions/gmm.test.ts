/** Gaussian mixture by EM: monotone log-likelihood, recovery of the true mixture, log-density, sampling. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gmm, fitGmm, kMeans, parseGmmParams } from '../../src/distributions/gmm.js';
import type { GmmParams } from '../../src/distributions/gmm.js';
import { fitGaussian } from '../../src/distributions/gaussian.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** The true 2-D mixture used below: three components with different shapes and weights. */
const truth: GmmParams = {
  kind: 'gmm', covariance: 'full', dim: 2, k: 3,
  weights: [0.5, 0.3, 0.2],
  components: [
    { kind: 'gaussian', covariance: 'full', dim: 2, mean: [0, 0], cov: [1, 0.5, 0.5, 1] },
    { kind: 'gaussian', covariance: 'full', dim: 2, mean: [5, 1], cov: [0.5, 0, 0, 2] },
    { kind: 'gaussian', covariance: 'full', dim: 2, mean: [1, 6], cov: [1.5, -0.6, -0.6, 0.8] },
  ],
};

test('mixture log-density by hand (1-D, two components); responsibilities sum to 1', () => {
  const p: GmmParams = {
    kind: 'gmm', covariance: 'diag', dim: 1, k: 2, weights: [0.25, 0.75],
    components: [
      { kind: 'gaussian', covariance: 'diag', dim: 1, mean: [0], var: [1] },
      { kind: 'gaussian', covariance: 'diag', dim: 1, mean: [3], var: [4] },
    ],
  };
  const pdf = (x: number, m: number, v: number) => Math.exp(-0.5 * (LOG_2PI + Math.log(v) + (x - m) ** 2 / v));
  const g = new Gmm(p);
  for (const x of [-1, 0.5, 2, 7]) {
    const want = Math.log(0.25 * pdf(x, 0, 1) + 0.75 * pdf(x, 3, 4));
    assert.ok(Math.abs(g.logPdfBatch([x], 1)[0] - want) < 1e-14, `x = ${x}`);
  }
  const r = g.responsibilities([-1, 0.5, 2, 7], 4);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(r[2 * i] + r[2 * i + 1] - 1) < 1e-15);
  assert.ok(Math.abs(r[0] - (0.25 * pdf(-1, 0, 1)) / (0.25 * pdf(-1, 0, 1) + 0.75 * pdf(-1, 3, 4))) < 1e-14);
});

test('EM on a 2-D mixture: log-likelihood never decreases and the true mixture is recovered (full and diag)', () => {
  const rng = new Rng(1);
  const n = 3000;
  const { points, components } = new Gmm(truth).sample(rng, n);
  // sampled component shares follow the weights
  for (let c = 0; c < 3; c++) {
    const share = components.filter((v) => v === c).length / n;
    assert.ok(Math.abs(share - truth.weights[c]) < 0.03, `share of ${c}: ${share}`);
  }
  const trueLl = new Gmm(truth).meanLogLikelihood(points, n);
  for (const covariance of ['full', 'diag'] as const) {
    const fit = fitGmm(points, n, 2, { k: 3, covariance, ridge: 0, tol: 1e-10, maxIter: 300 }, new Rng(2));
    const ll = fit.logLikelihood;
    for (let t = 1; t < ll.length; t++) assert.ok(ll[t] >= ll[t - 1] - 1e-12, `${covariance}: ll decreased at ${t}: ${ll[t - 1]} -> ${ll[t]}`);
    assert.ok(ll.length > 3 && ll[ll.length - 1] > ll[0], `${covariance}: EM made progress`);
    assert.ok(fit.converged, `${covariance} converged in ${fit.iterations}`);
    assert.ok(Math.abs(ll[ll.length - 1] - new Gmm(fit.params).meanLogLikelihood(points, n)) < 1e-12, 'last entry is the returned model');
    // match each true component to the nearest fitted mean
    for (let c = 0; c < 3; c++) {
      const m = truth.components[c].mean;
      let best = 0, bd = Infinity;
      fit.params.components.forEach((comp, j) => {
        const dd = (comp.mean[0] - m[0]) ** 2 + (comp.mean[1] - m[1]) ** 2;
        if (dd < bd) { bd = dd; best = j; }
      });
      assert.ok(Math.sqrt(bd) < 0.15, `${covariance}: mean ${c} off by ${Math.sqrt(bd)}`);
      assert.ok(Math.abs(fit.params.weights[best] - truth.weights[c]) < 0.03, `${covariance}: weight ${c}`);
    }
    if (covariance === 'full') {
      // the full model is the right family: its fit is at least as likely as the truth on the data
      assert.ok(ll[ll.length - 1] >= trueLl, `${ll[ll.length - 1]} vs true ${trueLl}`);
    }
  }
});

test('k = 1 is the single Gaussian MLE; default ridge, JSON round trip, sampling and input errors', () => {
  const rng = new Rng(3);
  const n = 500;
  const x = rng.normalArray(n * 3, 1, 2);
  const one = fitGmm(x, n, 3, { k: 1, ridge: 0 }, new Rng(4));
  const mle = fitGaussian(x, n, 3);
  if (one.params.components[0].covariance !== 'full' || mle.covariance !== 'full') return assert.fail();
  for (let t = 0; t < 9; t++) assert.ok(Math.abs(one.params.components[0].cov[t] - mle.cov[t]) < 1e-12);
  for (let t = 0; t < 3; t++) assert.ok(Math.abs(one.params.components[0].mean[t] - mle.mean[t]) < 1e-12);
  assert.ok(one.converged && one.iterations <= 2);
  // default config (ridge 1e-6) on the 2-D mixture
  const { points } = new Gmm(truth).sample(rng, 1000);
  const fit = fitGmm(points, 1000, 2, { k: 3 }, new Rng(5));
  const back = parseGmmParams(JSON.parse(JSON.stringify(fit.params)), 'gmm.json');
  assert.deepEqual(back, fit.params);
  const a = new Gmm(back).sample(new Rng(6), 5), b = new Gmm(fit.params).sample(new Rng(6), 5);
  assert.deepEqual(a, b);
  assert.throws(() => parseGmmParams({ ...fit.params, weights: [0.5, 0.5, 0.5] }, 'gmm.json'), (e: unknown) => e instanceof UserError && /sum to 1.5/.test(e.message));
  assert.throws(() => fitGmm(points.subarray(0, 4), 2, 2, { k: 3 }, new Rng(1)), (e: unknown) => e instanceof UserError && /at least k = 3/.test(e.message));
  assert.throws(() => fitGmm(points, 1000, 2, { k: 0 }, new Rng(1)), UserError);
});

test('k-means++ seeding is reproducible and finds well-separated clusters', () => {
  const rng = new Rng(7);
  const n = 300;
  const x = new Float64Array(n * 2);
  const centres = [[0, 0], [10, 0], [0, 10]];
  for (let i = 0; i < n; i++) { x[2 * i] = centres[i % 3][0] + rng.normalArray(1)[0]; x[2 * i + 1] = centres[i % 3][1] + rng.normalArray(1)[0]; }
  const a = kMeans(x, n, 2, 3, new Rng(8)), b = kMeans(x, n, 2, 3, new Rng(8));
  assert.deepEqual(a, b);
  for (let i = 3; i < n; i++) assert.equal(a.assign[i], a.assign[i % 3], 'points of one cluster share a label');
  assert.equal(new Set(a.assign).size, 3);
});
