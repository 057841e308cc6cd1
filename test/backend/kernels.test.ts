/**
 * The wasm kernel pack against the cpu backend: conv filter and input gradients, transposed
 * conv, transposed matmuls, over a grid of shapes, strides, paddings (kernel_grid.ts); no
 * buffers left behind. On wasm, native kernels are used as GENLAB_NATIVE says (default auto,
 * as for every caller of initBackend), so GENLAB_NATIVE=off checks the pack itself and =on the
 * native kernels over the same grid (.ci/run runs both).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { im2colPolicy } from '../../src/backend/kernels/conv2d_backprop_filter.js';
import { phasePolicy } from '../../src/backend/kernels/conv2d_backprop_input.js';
import { relErr, onBoth, rand, convCases, transposeCases, matMulCases, type Pad } from './kernel_grid.js';

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
    for (const [h, k, out, pads] of transposeCases) {
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
  for (const { ta, tb, batch, n } of matMulCases) {
    const a = rand(ta ? [batch, 7, 5] : [batch, 5, 7]);
    const b = rand(tb ? [batch, n, 7] : [batch, 7, n]);
    const [cpu, wasm, leaked] = await onBoth([a, b], (at, bt) => tf.matMul(at as tf.Tensor3D, bt as tf.Tensor3D, ta, tb));
    assert.ok(relErr(wasm, cpu) < 1e-4, `matmul ta=${ta} tb=${tb} batch=${batch} n=${n}`);
    assert.equal(wasm.length, batch * 5 * n);
    assert.equal(leaked, 0);
  }
});
