/**
 * Training on real data lowers the test loss: a seeded, short VAE run on mnist (dynamically
 * binarised), measured as the negative ELBO on held-out images before and after.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { Rng } from '../../../src/util/rng.js';
import { loadSource, Batcher } from '../../../src/data/index.js';
import { vaeFamily, VaeModel } from '../../../src/models/vae/index.js';
import { evaluateLikelihood, evaluationBatch } from '../../../src/models/vae/bounds.js';
import type { DataShape } from '../../../src/train/types.js';
import { adamContext } from './helpers.js';

before(async () => {
  await initBackend({ backend: 'wasm' }); // with genlab's wasm kernel pack
});

test('a short seeded VAE run on mnist lowers the test negative ELBO', async () => {
  const train = await loadSource('mnist', { split: 'train' });
  const testSet = await loadSource('mnist', { split: 'test', limit: 500 });
  assert.equal(train.kind, 'images');
  const data: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };
  const { model: defaults } = vaeFamily.defaults(data, 'mnist');
  const config = { ...defaults, hidden: [256], latent: 8 };
  const model = vaeFamily.create(config, data, new Rng(0)) as VaeModel;
  const opts = vaeFamily.dataOptions(config);
  assert.equal(opts.binarize, 'dynamic');
  const rng = new Rng(1);
  const batcher = new Batcher(train, { batchSize: 100, rng, ...opts });
  const evaluate = (): number => evaluateLikelihood(model, testSet, { k: 1, rng: new Rng(2) }).elbo;
  const before = evaluate();
  const adam = adamContext(model, 1e-3, rng);
  let last = 0;
  for (let s = 0; s < 300; s++) {
    const batch = batcher.next();
    last = model.trainStep(batch, adam.ctx(s)).loss;
    tf.dispose([batch.x, batch.y ?? []]);
  }
  const after = evaluate();
  // An untrained decoder gives ~ 784 ln 2 = 543 nats; a few hundred steps reach well below 200.
  assert.ok(before < -500, `initial test ELBO ${before}`);
  assert.ok(after > -175, `test ELBO after 300 steps ${after} (train loss ${last})`);
  // The same draw handed in as opts.batch gives the same bound, and stays with its owner.
  const tensors = tf.memory().numTensors;
  const rng2 = new Rng(2);
  const x = evaluationBatch(testSet, testSet.n, 'dynamic', rng2);
  assert.equal(evaluateLikelihood(model, testSet, { k: 1, rng: rng2, batch: x }).elbo, after);
  assert.equal(x.isDisposed, false);
  x.dispose();
  assert.equal(tf.memory().numTensors, tensors);
  adam.dispose();
  model.dispose();
});
