/**
 * With one stochastic layer the hierarchical VAE is the VAE: the IWAE paper's 784-200-200-50 tanh
 * VAE and the hvae with latents [50], hidden [200], depth 2, given the same weights, the same
 * binarised batch and the same noise, give the same loss, reconstruction and KL bit for bit, at
 * KL weights 1, 0.3 and 0 (warm-up), and the same training step.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { Rng } from '../../../src/util/rng.js';
import { loadSource, Batcher } from '../../../src/data/index.js';
import { VaeModel } from '../../../src/models/vae/model.js';
import { IWAE_PRESET, defaultConfig as vaeDefaults } from '../../../src/models/vae/config.js';
import { HvaeModel } from '../../../src/models/hvae/model.js';
import { defaultConfig } from '../../../src/models/hvae/config.js';
import { hierarchicalLoss } from '../../../src/models/hvae/elbo.js';
import type { DataShape } from '../../../src/train/types.js';
import { adamContext } from '../vae/helpers.js';

before(async () => {
  await initBackend({ backend: 'wasm' });
});

const data: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };

function pair(): { vae: VaeModel; hvae: HvaeModel } {
  const vae = new VaeModel({ ...vaeDefaults('vae', data), ...IWAE_PRESET, hidden: [...IWAE_PRESET.hidden] }, data, new Rng(5));
  const hvae = new HvaeModel({ ...defaultConfig(data), latents: [50], hidden: [200], depth: 2, activation: 'tanh' }, data, new Rng(99));
  const vv = vae.namedVariables();
  const hv = hvae.namedVariables();
  assert.equal(hv.length, vv.length);
  // Same order: encoder (bottom-up block + head) then decoder, kernel before bias.
  hv.forEach(([name, v], i) => {
    assert.deepEqual(v.shape, vv[i][1].shape, `${name} vs ${vv[i][0]}`);
    v.assign(vv[i][1]);
  });
  return { vae, hvae };
}

test('L = 1: the same loss, reconstruction and KL as the VAE, bit for bit', async () => {
  const { vae, hvae } = pair();
  const train = await loadSource('mnist', { split: 'train', limit: 256 });
  const batch = new Batcher(train, { batchSize: 64, rng: new Rng(1), scaling: 'unit', binarize: 'dynamic' }).next();
  const eps = vae.noise(64, new Rng(2));
  for (const w of [1, 0.3, 0]) {
    const a = vae.lossTerms(batch.x, { eps }, w);
    const b = hierarchicalLoss(hvae, batch.x, [eps], w, 0);
    const [la, ra, ka] = [a.loss, a.rec, a.kl].map((t) => t.dataSync()[0]);
    const [lb, rb, kb] = [b.loss, b.rec, b.kls[0]].map((t) => t.dataSync()[0]);
    assert.ok(ka > 0.1 && ra > 100, `a real loss: rec ${ra}, KL ${ka}`);
    assert.equal(lb, la, `loss at w = ${w}`);
    assert.equal(rb, ra, `rec at w = ${w}`);
    assert.equal(kb, ka, `KL at w = ${w}`);
    tf.dispose([a.loss, a.rec, a.kl, b.loss, b.rec, ...b.kls]);
  }
  tf.dispose([eps, batch.x, batch.y ?? []]);
  vae.dispose();
  hvae.dispose();
});

test('L = 1: a training step from the same state and step noise gives the same metrics and weights', async () => {
  const { vae, hvae } = pair();
  const train = await loadSource('mnist', { split: 'train', limit: 256 });
  const batch = new Batcher(train, { batchSize: 64, rng: new Rng(3), scaling: 'unit', binarize: 'dynamic' }).next();
  const av = adamContext(vae, 1e-3, new Rng(7));
  const ah = adamContext(hvae, 1e-3, new Rng(7));
  for (let s = 0; s < 3; s++) {
    const mv = vae.trainStep(batch, av.ctx(s));
    const mh = hvae.trainStep(batch, ah.ctx(s));
    assert.equal(mh.loss, mv.loss, `loss at step ${s}`);
    assert.equal(mh.kl1, mv.kl, `KL at step ${s}`);
  }
  const vv = vae.namedVariables();
  hvae.namedVariables().forEach(([name, v], i) => assert.deepEqual(v.dataSync(), vv[i][1].dataSync(), name));
  av.dispose();
  ah.dispose();
  tf.dispose([batch.x, batch.y ?? []]);
  vae.dispose();
  hvae.dispose();
});
