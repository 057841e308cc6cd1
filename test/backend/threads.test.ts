/**
 * The threaded wasm build under Node: the reported thread count is the module's real pool
 * size, a 2-thread pool is what was asked for on a machine with 2 cores, results equal the
 * cpu backend's, and the process can still exit (node --test would time out otherwise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../src/backend/index.js';

test('wasm with 2 threads: the pool really has them and convolutions agree with cpu', async (t) => {
  if (availableParallelism() < 2) return t.skip('one core');
  // Native kernels off: with them the wasm module runs one thread (core.ts), and this is about the pool.
  const info = await initBackend({ backend: 'wasm', threads: 2, native: 'off' });
  assert.equal(info.threads, getThreadsCount(), 'reported threads = pool size');
  assert.equal(info.threads, 2);
  const x = tf.randomNormal([8, 14, 14, 16], 0, 1, 'float32', 3);
  const w = tf.randomNormal([3, 3, 16, 32], 0, 1, 'float32', 4);
  const xv = x.dataSync().slice();
  const wv = w.dataSync().slice();
  const onWasm = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').dataSync().slice();
  tf.dispose([x, w]);
  await initBackend({ backend: 'cpu' });
  const onCpu = tf.conv2d(tf.tensor4d(xv, [8, 14, 14, 16]), tf.tensor4d(wv, [3, 3, 16, 32]), 1, 'same').dataSync();
  let err = 0;
  for (let i = 0; i < onCpu.length; i++) err = Math.max(err, Math.abs(onCpu[i] - onWasm[i]));
  assert.ok(err < 1e-3, `max abs difference ${err}`);
});
