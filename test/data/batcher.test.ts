import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Batcher, loadSource, type BatcherState, type ImageDataset, type PointDataset } from '../../src/data/index.js';
import { Rng } from '../../src/util/rng.js';
import { UserError } from '../../src/util/errors.js';

await tf.setBackend('cpu');

/** n images of 2x2x1 whose 4 pixels all equal (i + 0.5) / n, label i % 3. */
function tiny(n: number): ImageDataset {
  const pixels = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) pixels.fill((i + 0.5) / n, 4 * i, 4 * i + 4);
  return { kind: 'images', source: 'tiny', split: 'train', n, height: 2, width: 2, channels: 1, pixels, labels: Int32Array.from({ length: n }, (_, i) => i % 3) };
}

test('every sample exactly once per epoch; a new permutation each epoch', () => {
  const ds = tiny(10);
  const b = new Batcher(ds, { batchSize: 3, rng: new Rng(1), dropLast: false });
  assert.equal(b.stepsPerEpoch, 4);
  const epochs: number[][] = [];
  for (let e = 0; e < 3; e++) {
    const seen: number[] = [];
    for (let s = 0; s < b.stepsPerEpoch; s++) {
      const { x, y, indices, shape } = b.nextArrays();
      assert.equal(shape[0], s < 3 ? 3 : 1);
      indices.forEach((j, r) => {
        assert.equal(x[4 * r], Math.fround((j + 0.5) / 10));
        assert.equal(y![r], j % 3);
      });
      seen.push(...indices);
    }
    assert.equal(b.epoch, e + 1);
    assert.deepEqual([...seen].sort((a, c) => a - c), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    epochs.push(seen);
  }
  assert.notDeepEqual(epochs[0], epochs[1]);
  assert.notDeepEqual(epochs[1], epochs[2]);
  const d = new Batcher(ds, { batchSize: 3, rng: new Rng(1) });
  assert.equal(d.stepsPerEpoch, 3); // dropLast: floor(10 / 3)
});

test('restore(state()) continues exactly the same sequence, across epochs, with dynamic binarisation', () => {
  const ds = tiny(7);
  const make = () => new Batcher(ds, { batchSize: 2, rng: new Rng(42), binarize: 'dynamic', scaling: 'symmetric' });
  const a = make();
  for (let i = 0; i < 5; i++) a.nextArrays(); // 3 steps per epoch: now in epoch 1, batch 2
  const saved: BatcherState = JSON.parse(JSON.stringify(a.state()));
  assert.deepEqual([saved.epoch, saved.index], [1, 2]);
  const rest: string[] = [];
  for (let i = 0; i < 8; i++) {
    const { x, indices } = a.nextArrays();
    rest.push(`${[...indices]}|${[...x]}`);
  }
  const b = new Batcher(ds, { batchSize: 2, rng: new Rng(999), binarize: 'dynamic', scaling: 'symmetric' });
  b.restore(saved);
  assert.equal(b.epoch, 1);
  for (let i = 0; i < 8; i++) {
    const { x, indices } = b.nextArrays();
    assert.equal(`${[...indices]}|${[...x]}`, rest[i], `batch ${i} after restore`);
  }
  assert.deepEqual(b.state(), a.state());
  // a fresh batcher with the same seed reproduces the whole stream
  const c = make();
  for (let i = 0; i < 5; i++) c.nextArrays();
  assert.equal(`${[...c.nextArrays().x]}`, rest[0].split('|')[1]);
});

test('scaling: x\' = 2x - 1; threshold: [x > 0.5]; dynamic: Bernoulli(x) with mean x', () => {
  const ds = tiny(4); // values 0.125, 0.375, 0.625, 0.875
  const sym = new Batcher(ds, { batchSize: 4, rng: new Rng(0), scaling: 'symmetric' }).nextArrays();
  sym.indices.forEach((j, r) => assert.equal(sym.x[4 * r], Math.fround(2 * Math.fround((j + 0.5) / 4) - 1)));
  const th = new Batcher(ds, { batchSize: 4, rng: new Rng(0), binarize: 'threshold' }).nextArrays();
  th.indices.forEach((j, r) => assert.equal(th.x[4 * r], j >= 2 ? 1 : 0));
  const thSym = new Batcher(ds, { batchSize: 4, rng: new Rng(0), binarize: 'threshold', scaling: 'symmetric' }).nextArrays();
  for (const v of thSym.x) assert.ok(v === -1 || v === 1);
  // dynamic: over 2,000 batches each pixel of image j is 1 with frequency close to p_j
  const dyn = new Batcher(ds, { batchSize: 4, rng: new Rng(5), binarize: 'dynamic' });
  const ones = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];
  for (let s = 0; s < 2000; s++) {
    const { x, indices } = dyn.nextArrays();
    indices.forEach((j, r) => {
      for (let k = 0; k < 4; k++) {
        assert.ok(x[4 * r + k] === 0 || x[4 * r + k] === 1);
        ones[j] += x[4 * r + k];
        total[j]++;
      }
    });
  }
  // sd of a frequency over 8,000 draws <= 0.0056; allow 4 sd
  ones.forEach((o, j) => assert.ok(Math.abs(o / total[j] - (j + 0.5) / 4) < 0.022, `p ${o / total[j]}`));
});

test('next(): tensors of the right shape and dtype, no leaks', async () => {
  const ds = (await loadSource('mnist', { limit: 300 })) as ImageDataset;
  const b = new Batcher(ds, { batchSize: 64, rng: new Rng(3) });
  const before = tf.memory().numTensors;
  const { x, y } = b.next();
  assert.deepEqual(x.shape, [64, 28, 28, 1]);
  assert.equal(x.dtype, 'float32');
  assert.deepEqual(y!.shape, [64]);
  assert.equal(y!.dtype, 'int32');
  // labels travel with their images: compare with the dataset rows
  const xs = await x.data();
  const ys = await y!.data();
  const st = b.state();
  assert.equal(st.index, 1);
  tf.dispose([x, y!]);
  assert.equal(tf.memory().numTensors, before);
  const again = new Batcher(ds, { batchSize: 64, rng: new Rng(3) }).nextArrays();
  assert.deepEqual([...again.x], [...xs]);
  again.indices.forEach((j, r) => assert.equal(ys[r], ds.labels![j]));
  const pts = (await loadSource('toy:eight-gaussians', { n: 100 })) as PointDataset;
  const pb = new Batcher(pts, { batchSize: 32, rng: new Rng(1) });
  const p = pb.next();
  assert.deepEqual(p.x.shape, [32, 2]);
  tf.dispose([p.x, p.y!]);
  assert.equal(tf.memory().numTensors, before);
});

test('bad options are UserErrors', async () => {
  const ds = tiny(5);
  assert.throws(() => new Batcher(ds, { batchSize: 6, rng: new Rng(0) }), UserError);
  assert.throws(() => new Batcher(ds, { batchSize: 0, rng: new Rng(0) }), UserError);
  const ok = new Batcher(ds, { batchSize: 6, rng: new Rng(0), dropLast: false });
  assert.equal(ok.stepsPerEpoch, 1);
  const pts = await loadSource('toy:circles', { n: 10 });
  assert.throws(() => new Batcher(pts, { batchSize: 2, rng: new Rng(0), binarize: 'dynamic' }), UserError);
  const b = new Batcher(ds, { batchSize: 2, rng: new Rng(0) });
  assert.throws(() => b.restore({ epoch: 0, index: 5, rng: [1, 2, 3, 4] }), UserError);
});
