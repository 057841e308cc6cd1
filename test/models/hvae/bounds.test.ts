/**
 * The hierarchical bounds (src/models/hvae/bounds.ts) on a tractable two-layer linear-Gaussian
 * model (linear_gaussian.ts), against log p(x) in closed form:
 *   - at the true posterior every log-weight is log p(x): ELBO = IWAE_k = log p(x);
 *   - with the top layer's q off, ELBO = log p(x) - KL(q(z_2|x) || p(z_2|x)) exactly (the bottom
 *     layer's q is still the true conditional), so ELBO < log p(x) by a known gap;
 *   - IWAE_k increases with k towards log p(x) and never passes it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { Rng } from '../../../src/util/rng.js';
import { hierarchyBounds } from '../../../src/models/hvae/bounds.js';
import { LinearGaussianHierarchy, kl1d } from './linear_gaussian.js';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const x = [1.3, -0.4, 2.1];
const model = () => new LinearGaussianHierarchy(1.5, -0.3, 0.6, [0.9, -1.4, 0.5], [0.2, 0.1, -0.3], 0.8);
const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;

function run(h: LinearGaussianHierarchy, rows: number, k: number, seed: number) {
  const xs = tf.tensor2d(Array.from({ length: rows }, () => x));
  const before = tf.memory().numTensors;
  const r = hierarchyBounds(h, xs, { k, rng: new Rng(seed), rowBudget: 4096 });
  assert.equal(tf.memory().numTensors, before, 'hierarchyBounds leaked tensors');
  xs.dispose();
  return r;
}

test('at the true posterior ELBO = IWAE = log p(x) (closed form), and the terms add up to it', () => {
  const h = model();
  const logPx = h.logMarginal(x);
  h.up = [h.bottomFactor(x), h.topPosterior(x)];
  const r = run(h, 4, 2000, 1);
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(r.elbo[i] - logPx) < 2e-3, `ELBO ${r.elbo[i]} vs log p(x) ${logPx}`);
    assert.ok(Math.abs(r.iwae[i] - logPx) < 2e-3, `IWAE ${r.iwae[i]} vs log p(x) ${logPx}`);
  }
  // -(rec + KL_1 + KL_2) estimates the same ELBO with the KLs in closed form (noisy: 8,000 draws).
  const terms = -(mean(r.rec) + mean(r.kl[0]) + mean(r.kl[1]));
  assert.ok(Math.abs(terms - logPx) < 0.05, `-(rec + KL) ${terms} vs ${logPx}`);
  h.dispose();
});

test('a wrong top q lowers the ELBO by exactly KL(q(z_2|x) || p(z_2|x))', () => {
  const h = model();
  const logPx = h.logMarginal(x);
  const [m2, v2] = h.topPosterior(x);
  h.up = [h.bottomFactor(x), [m2 + 0.7, v2 * 2]];
  const gap = kl1d(m2 + 0.7, v2 * 2, m2, v2);
  assert.ok(gap > 0.3, `gap ${gap}`);
  const r = run(h, 8, 5000, 2);
  const elbo = mean(r.elbo);
  assert.ok(elbo < logPx - 0.25, `ELBO ${elbo} < log p(x) ${logPx}`);
  assert.ok(Math.abs(elbo - (logPx - gap)) < 0.02, `ELBO ${elbo} vs log p(x) - KL = ${logPx - gap}`);
  h.dispose();
});

for (const inference of ['ladder', 'residual'] as const) {
  test(`${inference}: IWAE_k increases with k (1, 4, 16, 64, 256) and stays below log p(x)`, () => {
    const h = new LinearGaussianHierarchy(1.5, -0.3, 0.6, [0.9, -1.4, 0.5], [0.2, 0.1, -0.3], 0.8, inference);
    const logPx = h.logMarginal(x);
    const [m2, v2] = h.topPosterior(x);
    const [m1, v1] = h.bottomFactor(x);
    h.up = inference === 'ladder' ? [[m1 - 0.8, v1 * 3], [m2 + 0.9, v2 / 2]] : [[0.5, 0.7], [m2 + 0.9, v2 / 2]];
    const ks = [1, 4, 16, 64, 256];
    const bounds = ks.map((k, i) => mean(run(h, 200, k, 10 + i).iwae));
    for (let i = 1; i < ks.length; i++) assert.ok(bounds[i] > bounds[i - 1], `IWAE_${ks[i]} ${bounds[i]} > IWAE_${ks[i - 1]} ${bounds[i - 1]}`);
    assert.ok(bounds[ks.length - 1] < logPx + 0.01, `IWAE_256 ${bounds[ks.length - 1]} <= log p(x) ${logPx}`);
    assert.ok(logPx - bounds[0] > 0.3, `the ELBO is well below log p(x): ${bounds[0]} vs ${logPx}`);
    assert.ok(logPx - bounds[ks.length - 1] < (logPx - bounds[0]) / 4, `IWAE_256 ${bounds[ks.length - 1]} is much closer to log p(x) ${logPx}`);
    h.dispose();
  });
}
