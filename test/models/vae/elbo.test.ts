/**
 * The ELBO's equations checked numerically: densities against float64 formulas, the
 * closed-form KL against Monte Carlo, ELBO <= log p(x) with equality at the true posterior
 * (linear-Gaussian model, exact log p(x)), and the IWAE bound's monotonicity in k.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../../src/util/rng.js';
import { bernoulliLogLik, logNormalDiag, logStdNormal, reparameterize, klWeight } from '../../../src/models/vae/elbo.js';
import { klStdNormal } from '../../../src/math/gaussian_kl.js';
import { importanceBounds } from '../../../src/models/vae/bounds.js';
import { LinearGaussian, cholesky, dot } from './linear_gaussian.js';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

test('log densities match float64 formulas', () => {
  const x = [[0.3, -1.2, 2.0], [1.0, 0.0, -0.5]];
  const mu = [[0.1, -1.0, 1.0], [0.0, 0.5, -0.5]];
  const lv = [[-0.5, 0.2, 1.0], [0.0, -1.0, 0.3]];
  const got = logNormalDiag(tf.tensor2d(x), tf.tensor2d(mu), tf.tensor2d(lv)).arraySync() as number[];
  for (let b = 0; b < 2; b++) {
    let ref = 0;
    for (let j = 0; j < 3; j++) ref += -0.5 * Math.log(2 * Math.PI * Math.exp(lv[b][j])) - (x[b][j] - mu[b][j]) ** 2 / (2 * Math.exp(lv[b][j]));
    assert.ok(Math.abs(got[b] - ref) < 1e-5, `logNormalDiag ${got[b]} vs ${ref}`);
  }
  const std = logStdNormal(tf.tensor2d(x)).arraySync() as number[];
  const ref0 = x[0].reduce((s, v) => s - 0.5 * Math.log(2 * Math.PI) - v * v / 2, 0);
  assert.ok(Math.abs(std[0] - ref0) < 1e-5);

  // Bernoulli: x log p + (1 - x) log(1 - p), p = sigmoid(l); including large |l| where the naive form rounds.
  const xb = [[1, 0, 1, 0], [0, 1, 1, 0]];
  const lg = [[2.0, -1.5, 0.0, 3.0], [30.0, -30.0, 0.7, -0.2]];
  const ll = bernoulliLogLik(tf.tensor2d(xb), tf.tensor2d(lg)).arraySync() as number[];
  for (let b = 0; b < 2; b++) {
    let ref = 0;
    for (let j = 0; j < 4; j++) {
      // log sigmoid(l) = -log(1 + e^-l), log(1 - sigmoid(l)) = -log(1 + e^l), in float64
      ref += xb[b][j] ? -Math.log1p(Math.exp(-lg[b][j])) : -Math.log1p(Math.exp(lg[b][j]));
    }
    assert.ok(Math.abs(ll[b] - ref) < 1e-4 * Math.max(1, Math.abs(ref)), `bernoulli ${ll[b]} vs ${ref}`);
  }
});

test('closed-form KL(q || N(0, I)) matches a Monte-Carlo estimate', () => {
  const mu = [[0.5, -1.0, 0.0], [2.0, 0.3, -0.7]];
  const lv = [[0.0, -1.5, 0.8], [-0.3, 0.4, -2.0]];
  const closed = klStdNormal(tf.tensor2d(mu), tf.tensor2d(lv)).arraySync() as number[];
  // Reference closed form in float64.
  for (let b = 0; b < 2; b++) {
    const ref = mu[b].reduce((s, m, j) => s + 0.5 * (m * m + Math.exp(lv[b][j]) - lv[b][j] - 1), 0);
    assert.ok(Math.abs(closed[b] - ref) < 1e-5);
  }
  // KL = E_q[log q(z) - log p(z)], with z = mu + sigma eps.
  const rng = new Rng(7);
  const S = 100_000;
  for (let b = 0; b < 2; b++) {
    const stats = tf.tidy(() => {
      const m = tf.tile(tf.tensor2d([mu[b]]), [S, 1]);
      const l = tf.tile(tf.tensor2d([lv[b]]), [S, 1]);
      const z = reparameterize(m, l, tf.tensor2d(rng.normalArray(S * 3), [S, 3]));
      const d = tf.sub(logNormalDiag(z, m, l), logStdNormal(z)); // [S]
      const { mean, variance } = tf.moments(d);
      return [mean.dataSync()[0], Math.sqrt(variance.dataSync()[0] / S)];
    });
    const [mc, se] = stats;
    assert.ok(Math.abs(mc - closed[b]) < 4 * se, `MC KL ${mc} +- ${se} vs closed ${closed[b]}`);
  }
});

// W with orthogonal columns, so W^T W is diagonal and so is the true posterior covariance.
const Worth = [[1, 1], [1, -1], [1, 1], [1, -1]].map((r) => [0.5 * 1.5 * r[0], 0.5 * 0.7 * r[1]]);
const Wgen = [[0.9, -0.3], [0.2, 1.1], [-0.5, 0.4], [1.3, 0.8]];
const bias = [0.2, -0.1, 0.4, 0.0];
const x0 = [1.1, -0.6, 0.9, 0.3];

test('ELBO <= log p(x) on a linear-Gaussian model, with equality when q is the true posterior', () => {
  const before = tf.memory().numTensors;
  const rng = new Rng(3);
  // True posterior (diagonal here): every importance weight equals p(x), so ELBO = IWAE = log p(x).
  const probe = new LinearGaussian(Worth, bias, [0, 0], [0, 0]);
  const post = probe.posterior(x0);
  probe.dispose();
  assert.ok(Math.abs(post.cov[0][1]) < 1e-12, 'posterior is diagonal');
  const exact = new LinearGaussian(Worth, bias, post.mean, [Math.log(post.cov[0][0]), Math.log(post.cov[1][1])]);
  const logpx = exact.logMarginal(x0);
  const v = [post.cov[0][0], post.cov[1][1]];
  assert.ok(Math.abs(exact.elboExact(x0, post.mean, v) - logpx) < 1e-10, 'closed-form ELBO at the posterior is log p(x)');
  const x = tf.tensor2d([x0]);
  const r = importanceBounds(exact, x, { k: 500, rng });
  assert.ok(Math.abs(r.elbo[0] - logpx) < 2e-4, `MC ELBO ${r.elbo[0]} vs log p(x) ${logpx}`);
  assert.ok(Math.abs(r.iwae[0] - logpx) < 2e-4, `IWAE ${r.iwae[0]} vs log p(x) ${logpx}`);
  exact.dispose();

  // Any other q, on a general W: log p(x) - ELBO = KL(q || p(z|x)) > 0.
  const gen = new LinearGaussian(Wgen, bias, [0, 0], [0, 0]);
  const logpx2 = gen.logMarginal(x0);
  const p2 = gen.posterior(x0);
  for (const [m, lv] of [[[0.1, -0.2], [-1.0, -0.5]], [p2.mean, [Math.log(p2.cov[0][0]), Math.log(p2.cov[1][1])]], [[1, 1], [0, 0]]]) {
    const vq = lv.map(Math.exp);
    const elbo = gen.elboExact(x0, m, vq);
    // KL(N(m, V) || N(a, S)) = 1/2 [tr(S^-1 V) + (a - m)^T S^-1 (a - m) - d + log|S| - log|V|]
    const S = p2.cov;
    const det = S[0][0] * S[1][1] - S[0][1] * S[1][0];
    const Si = [[S[1][1] / det, -S[0][1] / det], [-S[1][0] / det, S[0][0] / det]];
    const dm = [p2.mean[0] - m[0], p2.mean[1] - m[1]];
    const kl = 0.5 * (Si[0][0] * vq[0] + Si[1][1] * vq[1] + dot(dm, [dot(Si[0], dm), dot(Si[1], dm)]) - 2 + Math.log(det) - Math.log(vq[0] * vq[1]));
    assert.ok(Math.abs(logpx2 - elbo - kl) < 1e-9, `gap ${logpx2 - elbo} vs KL ${kl}`);
    assert.ok(elbo < logpx2, 'ELBO below log p(x)');
    // The Monte-Carlo ELBO of the tf code agrees with the closed form.
    tf.tidy(() => {
      gen.mu.assign(tf.tensor2d([m]));
      gen.logvar.assign(tf.tensor2d([lv]));
    });
    // k = 1 on 20,000 copies of x: each example's bound is one log-weight log w = log p(x, z) - log q(z|x).
    const R = 20000;
    const xs = tf.tile(x, [R, 1]);
    const { mean, se } = meanAndSe(importanceBounds(gen, xs, { k: 1, rng }).elbo);
    xs.dispose();
    assert.ok(Math.abs(mean - elbo) < 4 * se, `MC ELBO ${mean} +- ${se} vs closed ${elbo}`);
  }
  gen.dispose();
  x.dispose();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('IWAE_k increases with k and stays below log p(x)', () => {
  const before = tf.memory().numTensors;
  // A poor q: shifted mean, too narrow.
  const model = new LinearGaussian(Wgen, bias, [1.0, -1.0], [-2.5, -3.0]);
  const logpx = model.logMarginal(x0);
  const elbo = model.elboExact(x0, [1.0, -1.0], [Math.exp(-2.5), Math.exp(-3.0)]);
  const R = 400; // copies of x: the mean over copies estimates E[IWAE_k]
  const x = tf.tidy(() => tf.tile(tf.tensor2d([x0]), [R, 1]));
  const rng = new Rng(11);
  const est: { mean: number; se: number }[] = [];
  for (const k of [1, 8, 64, 512]) est.push(meanAndSe(importanceBounds(model, x, { k, rng, rowBudget: 8192 }).iwae));
  const means = est.map((e) => e.mean);
  assert.ok(Math.abs(means[0] - elbo) < 4 * est[0].se, `IWAE_1 ${means[0]} is the ELBO ${elbo}`);
  for (let i = 1; i < est.length; i++) {
    assert.ok(means[i] - means[i - 1] > 2 * Math.hypot(est[i].se, est[i - 1].se), `IWAE not increasing: ${means}`);
  }
  for (const e of est) assert.ok(e.mean < logpx + 3 * e.se, `IWAE ${e.mean} +- ${e.se} above log p(x) ${logpx}`);
  assert.ok(logpx - means[3] < (logpx - elbo) / 2, `IWAE_512 ${means[3]} not close to log p(x) ${logpx} (ELBO ${elbo})`);
  x.dispose();
  // Chunking does not change the estimate: the same draws through different row budgets.
  const x1 = tf.tensor2d([x0]);
  const a = importanceBounds(model, x1, { k: 1000, rng: new Rng(5), rowBudget: 1000 });
  const b = importanceBounds(model, x1, { k: 1000, rng: new Rng(5), rowBudget: 97 });
  assert.ok(Math.abs(a.iwae[0] - b.iwae[0]) < 1e-4 && Math.abs(a.elbo[0] - b.elbo[0]) < 1e-4, `chunking changed IWAE ${a.iwae[0]} vs ${b.iwae[0]}`);
  x1.dispose();
  model.dispose();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

function meanAndSe(a: Float64Array): { mean: number; se: number } {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const v = a.reduce((s, x) => s + (x - mean) ** 2, 0) / (a.length - 1);
  return { mean, se: Math.sqrt(v / a.length) };
}

test('the linear-Gaussian helper: the Cholesky factor of [[4]] is [[2]]', () => {
  assert.equal(cholesky([[4]])[0][0], 2);
});

test('KL warm-up rises linearly to beta', () => {
  assert.equal(klWeight(0, 1, 100), 0);
  assert.equal(klWeight(50, 2, 100), 1);
  assert.equal(klWeight(500, 2, 100), 2);
  assert.equal(klWeight(0, 0.5, 0), 0.5);
});

test('bits per dimension and evaluation binarisation', async () => {
  const { bitsPerDim, evaluationBatch } = await import('../../../src/models/vae/bounds.js');
  // -L / (d ln 2): a bound of -784 ln 2 nats over 784 binary pixels is 1 bit per pixel.
  assert.ok(Math.abs(bitsPerDim(-784 * Math.LN2, 784, 'bernoulli', 'images') - 1) < 1e-12);
  assert.ok(Math.abs(bitsPerDim(-784 * Math.LN2, 784, 'gaussian', 'images') - 9) < 1e-12); // + log2 256
  const n = 200;
  const pixels = Float32Array.from({ length: n * 4 }, (_, i) => (i % 4) / 4 + 0.1); // 0.1, 0.35, 0.6, 0.85
  const ds = { kind: 'images' as const, source: 't', split: 'test' as const, n, height: 2, width: 2, channels: 1 as const, pixels };
  const th = evaluationBatch(ds, n, 'threshold', new Rng(0));
  assert.deepEqual(Array.from(th.dataSync().slice(0, 4)), [0, 0, 1, 1]);
  const dyn = evaluationBatch(ds, n, 'dynamic', new Rng(0));
  const v = dyn.dataSync();
  for (let j = 0; j < 4; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += v[i * 4 + j];
    m /= n;
    const p = j / 4 + 0.1;
    assert.ok(Math.abs(m - p) < 4 * Math.sqrt((p * (1 - p)) / n), `pixel ${j}: mean ${m} vs p ${p}`);
    assert.ok(Array.from(v).every((x) => x === 0 || x === 1));
  }
  tf.dispose([th, dyn]);
});
