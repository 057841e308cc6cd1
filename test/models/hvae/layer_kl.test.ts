/**
 * Each layer's KL term in closed form (layer_kl.ts) against a Monte Carlo estimate
 * E_q[log q(z_i) - log p(z_i)] with many draws, on the Gaussians a real two-layer model makes
 * (top: against N(0, I); bottom: against p(z_1 | z_2) at a sample z_2), for both kinds of
 * inference; the ladder merge as a product of densities; NVAE's form of the residual KL; free bits.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { Rng } from '../../../src/util/rng.js';
import { HvaeModel } from '../../../src/models/hvae/model.js';
import { defaultConfig } from '../../../src/models/hvae/config.js';
import { layerKl, freeBits } from '../../../src/models/hvae/layer_kl.js';
import { precisionWeightedMerge, residualMerge, type DiagGaussian } from '../../../src/models/hvae/merge.js';
import { inferTopDown, disposeStates, disposeGaussians } from '../../../src/models/hvae/top_down.js';
import { logNormalDiag } from '../../../src/models/vae/elbo.js';
import type { DataShape } from '../../../src/train/types.js';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const data: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };

/** Monte Carlo KL(q || p) per example from S draws of q, with its standard error. q, p: [B, D]; p null = N(0, I). */
function mcKl(q: DiagGaussian, p: DiagGaussian | null, S: number, rng: Rng): { mean: number[]; se: number[] } {
  const [b, d] = q.mu.shape;
  const diffs = tf.tidy(() => {
    const eps = tf.tensor3d(rng.normalArray(S * b * d), [S, b, d]);
    const z = tf.add(q.mu, tf.mul(tf.exp(tf.mul(q.logvar, 0.5)), eps)); // [S, B, D]
    const logQ = logNormalDiag(tf.reshape(z, [S * b, d]), tf.tile(q.mu, [S, 1]), tf.tile(q.logvar, [S, 1]));
    const logP = p === null ? logNormalDiag(tf.reshape(z, [S * b, d]), tf.zeros([S * b, d]), 0) : logNormalDiag(tf.reshape(z, [S * b, d]), tf.tile(p.mu, [S, 1]), tf.tile(p.logvar, [S, 1]));
    return tf.reshape(tf.sub(logQ, logP), [S, b]);
  });
  const v = diffs.arraySync() as number[][];
  diffs.dispose();
  const mean: number[] = [];
  const se: number[] = [];
  for (let j = 0; j < b; j++) {
    let m = 0;
    for (let s = 0; s < S; s++) m += v[s][j];
    m /= S;
    let q2 = 0;
    for (let s = 0; s < S; s++) q2 += (v[s][j] - m) ** 2;
    mean.push(m);
    se.push(Math.sqrt(q2 / (S - 1) / S));
  }
  return { mean, se };
}

for (const inference of ['ladder', 'residual'] as const) {
  test(`${inference}: each layer's closed-form KL matches Monte Carlo (20,000 draws, within 4 standard errors)`, () => {
    const model = new HvaeModel({ ...defaultConfig(data), latents: [6, 3], hidden: [32, 16], inference }, data, new Rng(3));
    // Larger heads than the initialisation's, so that q is far from p at every layer.
    for (const [name, v] of model.namedVariables()) if (/^(head|down)/.test(name)) v.assign(tf.tidy(() => tf.mul(v, 4)));
    const rng = new Rng(4);
    const x = tf.tensor4d(Float32Array.from({ length: 3 * 784 }, () => (rng.uniform() < 0.3 ? 1 : 0)), [3, 28, 28, 1]);
    const before = tf.memory().numTensors;
    const up = model.bottomUp(x);
    const noise = model.noise(3, rng);
    const states = inferTopDown(model, up, noise);
    states.forEach((s, i) => {
      const kl = layerKl(s.q, s.p);
      const exact = Array.from(kl.dataSync());
      kl.dispose();
      const mc = mcKl(s.q, s.p, 20000, rng);
      exact.forEach((e, j) => {
        assert.ok(e > 0.05, `layer ${i + 1} KL ${e}: big enough for the comparison to mean something`);
        if (process.env.SHOW) console.log(i + 1, e, mc.mean[j], mc.se[j]);
        assert.ok(Math.abs(e - mc.mean[j]) < 4 * mc.se[j] + 1e-4, `layer ${i + 1}, example ${j}: closed form ${e}, Monte Carlo ${mc.mean[j]} +- ${mc.se[j]}`);
      });
    });
    disposeStates(states);
    disposeGaussians(up);
    tf.dispose(noise);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    x.dispose();
    model.dispose();
  });
}

test('the ladder merge is the normalised product: log q(z) - log N(z; up) - log p(z) is the same for every z', () => {
  const up = { mu: tf.tensor2d([[0.3, -1.2]]), logvar: tf.tensor2d([[0.4, -1.0]]) };
  const p = { mu: tf.tensor2d([[-0.5, 0.7]]), logvar: tf.tensor2d([[-0.2, 0.9]]) };
  const q = precisionWeightedMerge(up, p);
  const consts = [-2, -0.3, 0.8, 2.5].map((t) => tf.tidy(() => {
    const z = tf.tensor2d([[t, 0.5 * t - 1]]);
    return tf.sub(logNormalDiag(z, q.mu, q.logvar), tf.add(logNormalDiag(z, up.mu, up.logvar), logNormalDiag(z, p.mu, p.logvar))).dataSync()[0];
  }));
  for (const c of consts) assert.ok(Math.abs(c - consts[0]) < 1e-4, `${consts}`);
  // 1/sigma_q^2 = 1/sigma_up^2 + 1/sigma_p^2, by hand for the first dimension
  assert.ok(Math.abs(Math.exp(-q.logvar.dataSync()[0]) - (Math.exp(-0.4) + Math.exp(0.2))) < 1e-5);
  tf.dispose([up.mu, up.logvar, p.mu, p.logvar, q.mu, q.logvar]);
});

test("the residual posterior's KL is NVAE's 1/2 sum [dmu^2 / sigma_p^2 + dsigma^2 - log dsigma^2 - 1]", () => {
  const dmu = [0.4, -1.1, 0.05];
  const dlogvar = [-0.7, 0.3, 0];
  const pl = [0.5, -0.8, 1.2];
  const up = { mu: tf.tensor2d([dmu]), logvar: tf.tensor2d([dlogvar]) };
  const p = { mu: tf.tensor2d([[2, -3, 0.1]]), logvar: tf.tensor2d([pl]) };
  const q = residualMerge(up, p);
  const kl = layerKl(q, p).dataSync()[0];
  let nvae = 0;
  for (let j = 0; j < 3; j++) nvae += 0.5 * (dmu[j] ** 2 / Math.exp(pl[j]) + Math.exp(dlogvar[j]) - dlogvar[j] - 1);
  assert.ok(Math.abs(kl - nvae) < 1e-5, `${kl} vs ${nvae}`);
  tf.dispose([up.mu, up.logvar, p.mu, p.logvar, q.mu, q.logvar]);
});

test('free bits: max(lambda, KL); lambda 0 leaves the KL as it is', () => {
  const kl = tf.scalar(0.7);
  assert.equal(freeBits(kl, 0), kl);
  const a = freeBits(kl, 2);
  const b = freeBits(kl, 0.5);
  assert.ok(Math.abs(a.dataSync()[0] - 2) < 1e-7);
  assert.ok(Math.abs(b.dataSync()[0] - 0.7) < 1e-7);
  tf.dispose([kl, a, b]);
});
