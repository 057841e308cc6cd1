/**
 * genlab's own WebAssembly module: the committed bytes are what the .wat source assembles to,
 * and the plain-memory variant (single-threaded build) works like the shared one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { assembleHeapKernels } from '../../scripts/build-wasm.mjs';
import { initBackend } from '../../src/backend/index.js';
import { heapKernelsFor } from '../../src/backend/wasm/heap_kernels.js';
import { adamStep } from '../../src/train/optimizers.js';

test('heap_kernels_wasm.ts is current with heap_kernels.wat (run node scripts/build-wasm.mjs)', async () => {
  const committed = readFileSync(new URL('../../src/backend/wasm/heap_kernels_wasm.ts', import.meta.url), 'utf8');
  assert.equal(committed, await assembleHeapKernels());
});

test('single-threaded wasm (plain memory): the module binds to the heap and its kernels equal cpu', async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  const heap = heapKernelsFor(tf.backend());
  assert.ok(heap, 'kernels bound');
  assert.ok(!(heap.memory.buffer instanceof SharedArrayBuffer), 'the non-threaded build has plain memory');
  const x = tf.randomNormal([128, 90], 0, 1, 'float32', 1);
  const xs = tf.randomNormal([16, 7, 7, 12], 3, 2, 'float32', 2);
  const ops = (a: tf.Tensor, b: tf.Tensor) => [
    tf.transpose(a), // blocked copy (128 rows)
    tf.sum(b, [0, 1, 2]), // per-channel f64 sum
    tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(t, 0.2), t)))(b),
    adamStep(a, tf.mul(a, 0.5), tf.zerosLike(a), tf.zerosLike(a), { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, c1: 0.1, c2: 0.001 })[0],
  ];
  const onWasm = ops(x, xs).map((t) => t.dataSync().slice());
  const xv = x.dataSync().slice();
  const xsv = xs.dataSync().slice();
  await initBackend({ backend: 'cpu' });
  const onCpu = ops(tf.tensor(xv, [128, 90]), tf.tensor(xsv, [16, 7, 7, 12])).map((t) => t.dataSync());
  onCpu.forEach((c, i) => {
    let err = 0;
    let den = 1e-6;
    for (let j = 0; j < c.length; j++) {
      err = Math.max(err, Math.abs(c[j] - onWasm[i][j]));
      den = Math.max(den, Math.abs(c[j]));
    }
    assert.ok(err / den < 1e-5, `op ${i}: relative error ${err / den}`);
  });
});

test('relaxed-SIMD module: validates where the engine can (Node 20 after the V8 flag) and equals the plain module', async (t) => {
  const { enableRelaxedSimd } = await import('../../src/backend/wasm/relaxed_simd_node.js');
  const { instantiateHeapKernels, relaxedSimdSupported } = await import('../../src/backend/wasm/heap_kernels.js');
  if (!enableRelaxedSimd()) {
    t.skip(`this engine (Node ${process.version}) does not validate relaxed SIMD`);
    return;
  }
  assert.ok(relaxedSimdSupported());
  await initBackend({ backend: 'wasm' });
  const b = tf.backend() as unknown as { typedArrayFromHeap(t: tf.Tensor): Float32Array };
  const memory = heapKernelsFor(tf.backend())!.memory;
  const relaxed = instantiateHeapKernels(memory, true);
  const plain = instantiateHeapKernels(memory, false);
  assert.equal(relaxed.relaxed, true);
  const n = 4099; // a scalar tail too
  const [p, g, m, v] = [1, 2, 3, 4].map((s) => tf.randomNormal([n], 0, 1, 'float32', s));
  const vpos = tf.abs(v);
  const C = 12;
  const rows = 37;
  const x = tf.randomNormal([rows, C], 0, 2, 'float32', 5);
  const dy = tf.randomNormal([rows, C], 0, 1, 'float32', 6);
  const [mean, scale, shift, ka] = [7, 8, 9, 10].map((s) => tf.randomNormal([C], 0, 1, 'float32', s));
  const addr = (t: tf.Tensor) => b.typedArrayFromHeap(t).byteOffset;
  const run = (k: typeof relaxed) => {
    const outs = [tf.zeros([n]), tf.zeros([n]), tf.zeros([n]), tf.zeros([rows, C]), tf.zeros([rows, C])].map((z) => tf.add(z, 0)); // own buffers
    k.adam(addr(p), addr(g), addr(m), addr(vpos), addr(outs[0]), addr(outs[1]), addr(outs[2]), n, 0.9, 0.1, 0.999, 0.001, 0.01, 1.3, 1e-8);
    k.chan_affine(addr(x), rows, C, addr(mean), addr(scale), addr(shift), addr(outs[3]));
    k.chan_affine2(addr(dy), addr(x), rows, C, addr(mean), addr(scale), addr(shift), addr(ka), addr(outs[4]));
    const vals = outs.map((o) => o.dataSync().slice());
    tf.dispose(outs);
    return vals;
  };
  const r = run(relaxed);
  const q = run(plain);
  r.forEach((rv, i) => {
    let err = 0;
    let den = 1e-6;
    for (let j = 0; j < rv.length; j++) {
      err = Math.max(err, Math.abs(rv[j] - q[i][j]));
      den = Math.max(den, Math.abs(q[i][j]));
    }
    assert.ok(err / den < 1e-6, `output ${i}: relaxed vs plain relative difference ${err / den}`);
  });
  tf.dispose([p, g, m, v, vpos, x, dy, mean, scale, shift, ka]);
});
