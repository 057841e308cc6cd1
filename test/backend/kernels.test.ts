/**
 * The wasm kernel pack against the cpu backend: conv filter and input gradients, transposed
 * conv, transposed matmuls, over a grid of shapes, strides, paddings; no buffers left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';
import { im2colPolicy } from '../../src/backend/kernels/conv2d_backprop_filter.js';
import { phasePolicy } from '../../src/backend/kernels/conv2d_backprop_input.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 1e-6;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** Runs f on cpu and on wasm with the same inputs; returns both outputs as arrays. */
async function onBoth(inputs: { shape: number[]; values: Float32Array }[], f: (...t: tf.Tensor[]) => tf.Tensor): Promise<[Float32Array, Float32Array, number]> {
  const out: Float32Array[] = [];
  let leaked = 0;
  for (const backend of ['cpu', 'wasm'] as const) {
    await initBackend({ backend });
    const be = tf.backend() as unknown as { numDataIds(): number };
    const ts = inputs.map((i) => tf.tensor(i.values, i.shape));
    const before = be.numDataIds();
    const y = f(...ts);
    out.push(y.dataSync() as Float32Array);
    y.dispose();
    if (backend === 'wasm') leaked = be.numDataIds() - before;
    tf.dispose(ts);
  }
  return [out[0], out[1], leaked];
}

const rng = new Rng(7);
const rand = (shape: number[]) => ({ shape, values: rng.normalArray(shape.reduce((a, b) => a * b, 1)) });

const convCases: { x: number[]; k: number; ci: number; co: number; s: number; pad: Pad }[] = [];
for (const s of [1, 2]) {
  for (const k of [1, 3, 4]) {
    for (const pad of ['same', 'valid', [[0, 0], [1, 1], [1, 1], [0, 0]], [[0, 0], [0, 1], [2, 0], [0, 0]]] as Pad[]) {
      if (k === 1 && Array.isArray(pad) && pad[2][0] >= 1) continue;
      convCases.push({ x: [3, 9, 8, 2], k, ci: 2, co: 5, s, pad });
    }
  }
}
convCases.push({ x: [4, 28, 28, 32], k: 3, ci: 32, co: 64, s: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] });
// 28x28 outputs: the im2col filter gradient takes one image per product and sums three.
convCases.push({ x: [3, 28, 28, 2], k: 3, ci: 2, co: 16, s: 1, pad: 'same' });
// Stride 3 exercises phases with unequal tap counts (k 4 = taps 2, 1, 1 per phase).
convCases.push({ x: [2, 10, 11, 3], k: 4, ci: 3, co: 2, s: 3, pad: 'same' }, { x: [2, 10, 11, 3], k: 4, ci: 3, co: 2, s: 3, pad: 'valid' });

test('Conv2DBackpropFilter (wasm pack) equals cpu, by im2col and by convolution', async () => {
  for (const force of [true, false]) {
    im2colPolicy.force = force; // true: every case by im2col; false: every case by convolution
    for (const c of convCases) {
      const x = rand(c.x);
      const w = rand([c.k, c.k, c.ci, c.co]);
      const [cpu, wasm, leaked] = await onBoth([x, w], (xt, wt) =>
        tf.grad((ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xt as tf.Tensor4D, ww as tf.Tensor4D, c.s, c.pad))))(wt),
      );
      const e = relErr(wasm, cpu);
      assert.ok(e < 1e-4, `filter grad k${c.k} s${c.s} pad ${JSON.stringify(c.pad)} im2col ${force}: rel. error ${e}`);
      assert.equal(leaked, 0, 'no buffers left behind');
    }
  }
  im2colPolicy.force = undefined;
});

test('Conv2DBackpropInput and conv2dTranspose (wasm pack) equal cpu, phases separate and combined', async () => {
  for (const force of ['separate', 'combined'] as const) {
    phasePolicy.force = force;
    for (const c of convCases) {
      const x = rand(c.x);
      const w = rand([c.k, c.k, c.ci, c.co]);
      const [cpu, wasm, leaked] = await onBoth([x, w], (xt, wt) =>
        tf.grad((xx: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, wt as tf.Tensor4D, c.s, c.pad))))(xt),
      );
      const e = relErr(wasm, cpu);
      assert.ok(e < 1e-4, `input grad k${c.k} s${c.s} pad ${JSON.stringify(c.pad)} phases ${force}: rel. error ${e}`);
      assert.equal(leaked, 0);
    }
    // PyTorch-style transposed convs of the workloads: k4 s2 p1 (7 -> 14) and k3 s2 p1 op1 (14 -> 28).
    for (const [h, k, out, pads] of [[7, 4, 14, [[0, 0], [1, 1], [1, 1], [0, 0]]], [14, 3, 28, [[0, 0], [1, 0], [1, 0], [0, 0]]]] as const) {
      const x = rand([2, h, h, 6]);
      const w = rand([k, k, 3, 6]);
      const [cpu, wasm] = await onBoth([x, w], (xt, wt) =>
        tf.conv2dTranspose(xt as tf.Tensor4D, wt as tf.Tensor4D, [2, out, out, 3], 2, pads as unknown as Pad & 'same'),
      );
      assert.ok(relErr(wasm, cpu) < 1e-4, `conv2dTranspose ${h} -> ${out} phases ${force}`);
    }
  }
  phasePolicy.force = undefined;
});

test('BatchMatMul through the transposed product (large right operand) equals cpu', async () => {
  // m = 6, k = 256, n = 300: n >= 2m and k n >= 65536, so a b and a b^T are computed as (b^T a^T)^T.
  for (const tb of [false, true]) {
    for (const batch of [1, 2]) {
      const a = rand([batch, 6, 256]);
      const b = rand(tb ? [batch, 300, 256] : [batch, 256, 300]);
      const [cpu, wasm, leaked] = await onBoth([a, b], (at, bt) => tf.matMul(at as tf.Tensor3D, bt as tf.Tensor3D, false, tb));
      assert.equal(wasm.length, batch * 6 * 300);
      assert.ok(relErr(wasm, cpu) < 1e-4, `matmul tb=${tb} batch=${batch}`);
      assert.equal(leaked, 0);
    }
  }
});

test('BatchMatMul with transposes (wasm pack) equals cpu', async () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const [batch, n] of [[1, 4], [3, 4], [1, 12], [3, 12]]) {
      const a = rand(ta ? [batch, 7, 5] : [batch, 5, 7]);
      const b = rand(tb ? [batch, n, 7] : [batch, 7, n]);
      const [cpu, wasm, leaked] = await onBoth([a, b], (at, bt) => tf.matMul(at as tf.Tensor3D, bt as tf.Tensor3D, ta, tb));
      assert.ok(relErr(wasm, cpu) < 1e-4, `matmul ta=${ta} tb=${tb} batch=${batch} n=${n}`);
      assert.equal(wasm.length, batch * 5 * n);
      assert.equal(leaked, 0);
    }
  }
});
