import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../../src/util/rng.js';
import { VaeModel } from '../../../src/models/vae/model.js';
import { defaultConfig } from '../../../src/models/vae/config.js';
import { encodeMeans, interpolationStrips, manifoldGrid, reconstructionGrid } from '../../../src/models/vae/figures.js';
import { quantileGrid } from '../../../src/models/vae/latent.js';
import type { DataShape } from '../../../src/train/types.js';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const data: DataShape = { kind: 'images', shape: [8, 8, 1], numClasses: null };

test('figure batches: layout, contents and no leaks', () => {
  const m = new VaeModel({ ...defaultConfig('vae', data), hidden: [16], latent: 2 }, data, new Rng(0));
  const x = tf.tensor4d(new Rng(1).uniformArray(5 * 64), [5, 8, 8, 1]);
  const before = tf.memory().numTensors;

  // Reconstructions: rows of 3 inputs then their 3 reconstructions; the last row padded with grey.
  const g = reconstructionGrid(m, x, 3);
  assert.deepEqual(g.shape, [12, 8, 8, 1]);
  const rec = m.reconstruct(x);
  const gv = g.arraySync() as number[][][][];
  assert.deepEqual(gv[0], (x.arraySync() as number[][][][])[0]); // input 0
  assert.deepEqual(gv[3], (rec.arraySync() as number[][][][])[0]); // its reconstruction below
  assert.deepEqual(gv[7], (x.arraySync() as number[][][][])[4]); // second input row
  assert.deepEqual(gv[9], (rec.arraySync() as number[][][][])[3]);
  assert.equal(gv[11][0][0][0], 0.5); // padding cell

  // Interpolation: input a, decoded path whose ends are the reconstructions of a and b, input b.
  const a = tf.slice(x, 0, 2);
  const b = tf.slice(x, 2, 2);
  const s = interpolationStrips(m, a, b, 4, 'linear');
  assert.deepEqual(s.shape, [12, 8, 8, 1]);
  const sv = s.arraySync() as number[][][][];
  const rv = rec.arraySync() as number[][][][];
  const close = (p: number[][][], q: number[][][]): boolean => p.flat(2).every((v, i) => Math.abs(v - q.flat(2)[i]) < 1e-5);
  assert.ok(close(sv[1], rv[0]) && close(sv[4], rv[2]) && close(sv[7], rv[1]) && close(sv[10], rv[3]));
  assert.deepEqual(sv[0], (x.arraySync() as number[][][][])[0]);

  // Manifold: decoded quantile grid.
  const mf = manifoldGrid(m, 3);
  assert.deepEqual(mf.shape, [9, 8, 8, 1]);
  const direct = m.decodeMean(tf.tensor2d(quantileGrid(3).slice(8, 10), [1, 2]));
  assert.ok(close((mf.arraySync() as number[][][][])[4], (direct.arraySync() as number[][][][])[0]));

  const enc = encodeMeans(m, x, 2);
  assert.equal(enc.length, 10);
  const mu = m.encode(x);
  assert.ok(Array.from(mu.mu.dataSync()).every((v, i) => Math.abs(v - enc[i]) < 1e-6));
  tf.dispose([g, rec, a, b, s, mf, direct, mu.mu, mu.logvar ?? []]);
  // the tensor2d passed to decodeMean above is the only stray
  assert.ok(tf.memory().numTensors - before <= 1, 'tensors leaked');
  x.dispose();
  m.dispose();
});
