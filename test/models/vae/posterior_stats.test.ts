/** The VAE's posterior KL and active units against sums done by hand, across encoding batches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { posteriorStats } from '../../../src/models/vae/posterior_stats.js';
import type { LatentGaussianModel } from '../../../src/models/vae/bounds.js';
import { initBackend } from '../../../src/backend/index.js';

await initBackend({ backend: 'cpu' });

test('mean closed-form KL(q(z|x) || N(0, I)) and the active units of mu(x), in batches of 3', () => {
  // mu(x) = [x_0, 0.05 x_0 + 2, 1.5]: dim 0 varies with x (variance 0.04 here), dim 1 by 0.0001, dim 2 not at all.
  // logvar(x) = [-1, x_0, 0.3].
  const rows = [[0.2], [-0.2], [0.2], [-0.2], [0.2]];
  const model: LatentGaussianModel = {
    latentDim: 3,
    encode: (x) =>
      tf.tidy(() => {
        const x0 = tf.slice(x, [0, 0], [-1, 1]); // [B, 1]
        const b = x.shape[0];
        const mu = tf.concat([x0, tf.add(tf.mul(x0, 0.05), 2), tf.fill([b, 1], 1.5)], 1) as tf.Tensor2D;
        const logvar = tf.concat([tf.fill([b, 1], -1), x0, tf.fill([b, 1], 0.3)], 1) as tf.Tensor2D;
        return { mu, logvar };
      }),
    logLikelihood: () => {
      throw new Error('not used');
    },
  };
  let klSum = 0;
  for (const [x0] of rows) {
    const mu = [x0, 0.05 * x0 + 2, 1.5];
    const lv = [-1, x0, 0.3];
    for (let j = 0; j < 3; j++) klSum += 0.5 * (mu[j] ** 2 + Math.exp(lv[j]) - lv[j] - 1);
  }
  const x = tf.tensor2d(rows);
  const before = tf.memory().numTensors;
  const s = posteriorStats(model, x, 3);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(Math.abs(s.kl - klSum / rows.length) < 1e-5, `KL ${s.kl} vs ${klSum / rows.length}`);
  // Variance of mu_0 over the 5 rows: mean 0.04, so 0.04 - 0.04^2 = 0.0384 > 0.01; mu_1's is 0.0384 * 0.0025.
  assert.equal(s.active, 1);
  x.dispose();
});
