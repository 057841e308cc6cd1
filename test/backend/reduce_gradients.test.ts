/**
 * The Sum and Mean gradients genlab registers (register_gradients.ts: dy broadcast by adding
 * zeros rather than multiplying by ones): d/dx_i of sum_j w_j * reduce(x)_j is w_j for sum and
 * w_j / n for mean, j the position of i with the reduced axes dropped. Checked element by element,
 * exactly, on wasm and on cpu, over leading, trailing, middle, negative and all axes, keepDims.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';

const CASES: { shape: number[]; axis: number | number[] | undefined; keepDims: boolean }[] = [
  { shape: [128, 784], axis: undefined, keepDims: false },
  { shape: [4, 5, 6], axis: 0, keepDims: false },
  { shape: [4, 5, 6], axis: 2, keepDims: true },
  { shape: [4, 5, 6], axis: 1, keepDims: false },
  { shape: [4, 5, 6], axis: -1, keepDims: false },
  { shape: [2, 3, 4, 5], axis: [1, 2], keepDims: false },
  { shape: [2, 3, 4, 5], axis: [0, 3], keepDims: true },
];

/** The index into the reduced tensor of flat index i of x. */
function reducedIndex(i: number, shape: number[], axes: number[]): number {
  let rest = i;
  const coords = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    coords[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  let j = 0;
  for (let d = 0; d < shape.length; d++) if (!axes.includes(d)) j = j * shape[d] + coords[d];
  return j;
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`Sum and Mean gradients equal the closed form exactly on ${backend}`, async () => {
    await initBackend({ backend });
    const rng = new Rng(3);
    for (const c of CASES) {
      const size = c.shape.reduce((a, b) => a * b, 1);
      const axes = c.axis === undefined ? c.shape.map((_, d) => d) : tf.util.parseAxisParam(c.axis, c.shape);
      const n = axes.reduce((p, a) => p * c.shape[a], 1);
      const x = tf.tensor(Float32Array.from(rng.normalArray(size)), c.shape);
      const before = tf.memory().numTensors;
      for (const op of ['sum', 'mean'] as const) {
        const reduced = tf.tidy(() => (op === 'sum' ? tf.sum(x, c.axis, c.keepDims) : tf.mean(x, c.axis, c.keepDims)));
        const w = tf.tensor(Float32Array.from(rng.normalArray(reduced.size)), reduced.shape); // the upstream gradient dy
        reduced.dispose();
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op === 'sum' ? tf.sum(t, c.axis, c.keepDims) : tf.mean(t, c.axis, c.keepDims), w)))(x);
        const gv = g.dataSync();
        const wv = w.dataSync();
        for (let i = 0; i < size; i++) {
          const wj = wv[reducedIndex(i, c.shape, axes)];
          const expected = op === 'sum' ? wj : Math.fround(wj / n);
          assert.equal(gv[i], expected, `${op} over ${JSON.stringify(c)} at ${i}`);
        }
        tf.dispose([g, w]);
      }
      assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
      x.dispose();
    }
  });
}
