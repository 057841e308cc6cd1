/** The hierarchy's posterior means E_q[z_i | x], whose variance over x counts active units, against the linear model's closed form. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { posteriorMeans } from '../../../src/models/hvae/active_units.js';
import { Rng } from '../../../src/util/rng.js';
import { initBackend } from '../../../src/backend/index.js';
import { LinearGaussianHierarchy } from './linear_gaussian.js';

await initBackend({ backend: 'cpu' });

test('E_q[z_1 | x] below the top averages mu_q over the draws above: the linear model\'s in closed form', () => {
  // q(z_2) = N(m2, v2), q(z_1 | z_2) = merge(N(m1, v1), N(a z_2 + c, s1)): E[z_1] = vq (m1 / v1 + (a m2 + c) / s1), vq = 1 / (1/v1 + 1/s1).
  const h = new LinearGaussianHierarchy(1.5, -0.3, 0.6, [0.9, -1.4, 0.5], [0.2, 0.1, -0.3], 0.8);
  h.up = [[0.4, 0.5], [-0.7, 0.3]];
  const x = tf.zeros([2, 3]);
  const means = posteriorMeans(h, x, 4000, new Rng(0));
  const vq = 1 / (1 / 0.5 + 1 / 0.6);
  const expected = vq * (0.4 / 0.5 + (1.5 * -0.7 - 0.3) / 0.6);
  assert.ok(Math.abs(means[1][0] - -0.7) < 1e-6, `top: ${means[1][0]}`);
  // Monte Carlo over z_2: sd of mu_q is vq a sqrt(v2) / s1 ~ 0.8, so 4,000 draws give ~0.013.
  assert.ok(Math.abs(means[0][0] - expected) < 0.05, `bottom: ${means[0][0]} vs ${expected}`);
  x.dispose();
  h.dispose();
});
