/**
 * Restoration with a VAE (src/restore/vae_inpaint.ts) against closed forms. A VAE with no
 * hidden layers has the linear decoder E[x | z] = W z + b; with a Gaussian likelihood the MAP
 * objective is quadratic,
 *   ||M z - r||^2 / (2 s^2) + ||z||^2 / 2,   M = A W, r = y - A b
 *   =>  z* = (M^T M / s^2 + I)^-1 M^T r / s^2,
 * both for 'gaussian' (any A, s = max(sigma_y, floor)) and for 'decoder' inpainting with a
 * fixed-variance Gaussian decoder (A = the observed pixels, s = the decoder's std). Also: the
 * Bernoulli inpainting objective ignores the missing pixels of y, the objective falls, and the
 * best of R starts is kept.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/util/rng.js';
import { VaeModel } from '../../src/models/vae/model.js';
import { defaultConfig } from '../../src/models/vae/config.js';
import { solve } from '../../src/math/linalg.js';
import { InpaintOperator } from '../../src/restore/operators/inpaint.js';
import { CompressedSensingOperator } from '../../src/restore/operators/compressed_sensing.js';
import type { LinearOperator } from '../../src/restore/operators/operator.js';
import { vaeRestore, VAE_RESTORE_DEFAULTS } from '../../src/restore/vae_inpaint.js';
import { denseA, maxAbsDiff } from './helpers.js';

before(async () => {
  await tf.setBackend('cpu');
});

const data = { kind: 'images' as const, shape: [4, 4, 1], numClasses: null };
const D = 16;
const d = 3;

function linearVae(decoder: 'gaussian' | 'bernoulli', std = 0.5): VaeModel {
  const config = { ...defaultConfig('vae', data), hidden: [d], activation: 'relu' as const, latent: d, decoder, decoderVariance: 'fixed' as const, decoderStd: std, binarize: 'none' as const };
  const m = new VaeModel(config, data, new Rng(3));
  // Decoder z -> relu(I z + 5) -> W^T h + (b - 5 W^T 1): linear, W z + b, for |z| < 5. W small
  // and b = 0.5, so W z + b stays inside (0, 1) where decodeMean does not clip.
  const [k1, b1, k2, b2] = m.net.dec.parameters();
  k1.assign(tf.eye(d));
  b1.assign(tf.fill([d], 5));
  const w = tf.mul(tf.tensor(new Rng(4).normalArray(d * D), [d, D]), 0.08); // [d, D]
  k2.assign(w);
  b2.assign(tf.tidy(() => tf.sub(0.5, tf.mul(tf.sum(w, 0), 5))));
  w.dispose();
  return m;
}

/** z* of ||M z - r||^2 / (2 s^2) + ||z||^2 / 2 in float64, and x = W z* + b. */
function closedForm(m: VaeModel, a: { m: Float64Array; rows: number }, y: Float32Array, s: number): Float64Array {
  const w = m.net.dec.parameters()[2].dataSync(); // [d, D]: W^T
  const rows = a.rows;
  const M = new Float64Array(rows * d); // A W  [rows, d]
  const Ab = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < D; k++) {
      Ab[i] += a.m[i * D + k] * 0.5;
      for (let j = 0; j < d; j++) M[i * d + j] += a.m[i * D + k] * w[j * D + k];
    }
  }
  const H = new Float64Array(d * d);
  const g = new Float64Array(d);
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < d; q++) {
      for (let i = 0; i < rows; i++) H[p * d + q] += (M[i * d + p] * M[i * d + q]) / (s * s);
      if (p === q) H[p * d + q] += 1;
    }
    for (let i = 0; i < rows; i++) g[p] += (M[i * d + p] * (y[i] - Ab[i])) / (s * s);
  }
  const z = solve(H, g, d);
  const x = new Float64Array(D);
  for (let k = 0; k < D; k++) {
    x[k] = 0.5;
    for (let j = 0; j < d; j++) x[k] += w[j * D + k] * z[j];
  }
  return x;
}

const settings = { ...VAE_RESTORE_DEFAULTS, iterations: 1500, lr: 0.02, restarts: 2 };

test("'gaussian' likelihood on compressed sensing: the MAP decode matches the closed form", () => {
  const m = linearVae('gaussian');
  const op: LinearOperator = new CompressedSensingOperator([4, 4, 1], 0.5, 1);
  const x = tf.tensor4d(new Rng(6).uniformArray(D), [1, 4, 4, 1]);
  const y = op.apply(x);
  const r = vaeRestore(m, op, y, { ...settings, likelihood: 'gaussian', sigmaY: 0, sigmaFloor: 0.1 }, new Rng(0));
  const want = closedForm(m, denseA(op), y.dataSync() as Float32Array, 0.1);
  assert.ok(maxAbsDiff(r.x.dataSync(), want) < 1e-3, `MAP decode off by ${maxAbsDiff(r.x.dataSync(), want)}`);
  assert.ok(r.curve[r.curve.length - 1] < r.curve[0]);
  tf.dispose([x, y, r.x]);
  op.dispose();
  m.dispose();
});

test("'decoder' likelihood for inpainting with a Gaussian decoder: the closed form over the observed pixels", () => {
  const m = linearVae('gaussian', 0.3);
  const op = InpaintOperator.fromSpec([4, 4, 1], { kind: 'box', size: 2 });
  const x = tf.tensor4d(new Rng(7).uniformArray(D), [1, 4, 4, 1]);
  const y = op.apply(x);
  const r = vaeRestore(m, op, y, { ...settings, likelihood: 'decoder' }, new Rng(0));
  // A = the 12 observed rows of I
  const mask = op.mask.dataSync();
  const rowsIdx = [...mask.keys()].filter((k) => mask[k] === 1);
  const a = new Float64Array(rowsIdx.length * D);
  rowsIdx.forEach((k, i) => { a[i * D + k] = 1; });
  const yObs = Float32Array.from(rowsIdx.map((k) => y.dataSync()[k]));
  const want = closedForm(m, { m: a, rows: rowsIdx.length }, yObs, 0.3);
  assert.ok(maxAbsDiff(r.x.dataSync(), want) < 1e-3, `MAP decode off by ${maxAbsDiff(r.x.dataSync(), want)}`);
  tf.dispose([x, y, r.x]);
  op.dispose();
  m.dispose();
});

test('Bernoulli inpainting ignores y at missing pixels; restarts keep the best start; no leaks', () => {
  const m = linearVae('bernoulli');
  const op = InpaintOperator.fromSpec([4, 4, 1], { kind: 'box', size: 2 });
  const x = tf.tensor4d(new Rng(8).uniformArray(2 * D), [2, 4, 4, 1]);
  const y1 = op.apply(x);
  const y2 = tf.tidy(() => tf.add(y1, tf.mul(tf.sub(1, op.mask), 0.7))); // different values where m = 0
  const before = tf.memory().numTensors;
  const cfg = { ...VAE_RESTORE_DEFAULTS, iterations: 200, restarts: 3 };
  const a = vaeRestore(m, op, y1, cfg, new Rng(1));
  const b = vaeRestore(m, op, y2, cfg, new Rng(1));
  assert.ok(maxAbsDiff(a.x.dataSync(), b.x.dataSync()) < 1e-6);
  const one = vaeRestore(m, op, y1, { ...cfg, restarts: 1 }, new Rng(1));
  a.objective.forEach((v, i) => assert.ok(v <= one.objective[i] + 1e-5, `image ${i}: best of 3 ${v} > encoder start ${one.objective[i]}`));
  tf.dispose([a.x, b.x, one.x]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y1, y2]);
  op.dispose();
  m.dispose();
});
