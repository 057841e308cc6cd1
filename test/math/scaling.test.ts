/** The [0, 1] <-> [-1, 1] image scalings (src/math/scaling.ts). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { symmetricToUnit, unitToSymmetric, unitToSymmetricInPlace } from '../../src/math/scaling.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await tf.setBackend('cpu');
});

test("x' = 2x - 1 and x = clip((x' + 1) / 2, 0, 1) at known points, leaving only their results", () => {
  const before = tf.memory().numTensors;
  const u = tf.tensor1d([0, 0.25, 0.5, 1]);
  const s = tf.tensor1d([-1.5, -1, -0.5, 0, 1, 2]);
  const a = unitToSymmetric(u);
  const b = symmetricToUnit(s);
  assert.equal(tf.memory().numTensors, before + 4, 'the two inputs and one result per call');
  assert.deepEqual(Array.from(a.dataSync()), [-1, -0.5, 0, 1]);
  assert.deepEqual(Array.from(b.dataSync()), [0, 0, 0.25, 0.5, 1, 1]); // outside [-1, 1]: clipped
  tf.dispose([u, s, a, b]);
});

test('round trip and the host version agree bit for bit with the tensor version on random float32 pixels', () => {
  const rng = new Rng(3);
  const px = rng.uniformArray(1000); // [0, 1)
  const t = tf.tensor4d(px, [10, 10, 10, 1]);
  const sym = unitToSymmetric(t);
  const host = unitToSymmetricInPlace(Float32Array.from(px));
  assert.deepEqual(Array.from(sym.dataSync()), Array.from(host));
  const back = symmetricToUnit(sym).dataSync();
  for (let i = 0; i < px.length; i++) assert.ok(Math.abs(back[i] - px[i]) <= 6e-8, `pixel ${i}: ${back[i]} vs ${px[i]}`);
  tf.dispose([t, sym]);
});
