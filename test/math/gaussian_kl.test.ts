/** Gaussian KL divergences in closed form (src/math/gaussian_kl.ts) against hand-computed numbers. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { gaussianKl, klStdNormal } from '../../src/math/gaussian_kl.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await tf.setBackend('cpu');
});

test('KL(N(m1, v1) || N(m2, v2)) = 1/2 [log(v2/v1) + (v1 + (m1 - m2)^2)/v2 - 1], summed per example', () => {
  // Per dimension: equal Gaussians 0; a unit shift of the mean 1/2; v1 = 4 against N(0, 1):
  // 1/2 (log(1/4) + 4 - 1) = 1/2 (3 - ln 4); N(0, 1) against v2 = 4: 1/2 (ln 4 + 1/4 - 1).
  const m1 = tf.tensor2d([[0, 1, 0, 0]]); // [1, 4]
  const v1 = tf.tensor2d([[1, 1, 4, 1]]);
  const m2 = tf.zeros([1, 4]);
  const v2 = tf.tensor2d([[1, 1, 1, 4]]);
  const kl = gaussianKl(m1, v1, m2, v2).arraySync();
  const expected = 0 + 0.5 + 0.5 * (3 - Math.log(4)) + 0.5 * (Math.log(4) + 0.25 - 1);
  assert.equal(kl.length, 1);
  assert.ok(Math.abs(kl[0] - expected) < 1e-6, `${kl[0]} vs ${expected}`);
  // Numbers broadcast; an image batch [B, H, W, C] reduces to [B].
  const img = tf.fill([3, 2, 2, 1], 2); // mean 2 against N(0, 1) with v1 = 1: 1/2 * 4 per pixel
  assert.deepEqual(gaussianKl(img, 1, 0, 1).arraySync(), [8, 8, 8]);
  tf.dispose([m1, v1, m2, v2, img]);
});

test('klStdNormal(mu, logvar) = 1/2 sum (mu^2 + exp(logvar) - logvar - 1) equals gaussianKl(mu, exp(logvar), 0, 1)', () => {
  const before = tf.memory().numTensors;
  const mu = tf.tensor2d([[0, 1], [0.5, -2]]);
  const logvar = tf.tensor2d([[0, 0], [Math.log(2), -1]]);
  const klT = klStdNormal(mu, logvar);
  const kl = klT.arraySync();
  // Row 0: 1/2 (0 + 1) = 0.5. Row 1: 1/2 (0.25 + 2 - ln 2 - 1) + 1/2 (4 + e^-1 + 1 - 1).
  const row1 = 0.5 * (0.25 + 2 - Math.log(2) - 1) + 0.5 * (4 + Math.exp(-1) + 1 - 1);
  assert.ok(Math.abs(kl[0] - 0.5) < 1e-6 && Math.abs(kl[1] - row1) < 1e-5, `${kl} vs [0.5, ${row1}]`);
  const rng = new Rng(7);
  const m = tf.tensor2d(rng.normalArray(5 * 8), [5, 8]);
  const lv = tf.tensor2d(rng.normalArray(5 * 8, 0, 0.5), [5, 8]);
  const aT = klStdNormal(m, lv);
  const bT = tf.tidy(() => gaussianKl(m, tf.exp(lv), 0, 1));
  const [a, b] = [aT.dataSync(), bT.dataSync()];
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4 * Math.max(1, Math.abs(b[i])), `row ${i}: ${a[i]} vs ${b[i]}`);
  tf.dispose([mu, logvar, m, lv, klT, aT, bT]);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});
