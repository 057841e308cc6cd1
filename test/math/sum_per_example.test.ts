/** The per-example sum (src/math/sum_per_example.ts). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { sumPerExample } from '../../src/math/sum_per_example.js';

before(async () => {
  await tf.setBackend('cpu');
});

test('sumPerExample: [B, H, W, C] -> [B]; [B, K, D] -> [B, K] with batchDims 2; [B] stays', () => {
  const x = tf.tensor4d(Array.from({ length: 2 * 2 * 2 * 1 }, (_, i) => i), [2, 2, 2, 1]); // rows 0..3, 4..7
  assert.deepEqual(sumPerExample(x).arraySync(), [6, 22]);
  const y = tf.tensor3d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]); // [2, 2, 2]
  assert.deepEqual(sumPerExample(y, 2).arraySync(), [[3, 7], [11, 15]]);
  const z = tf.tensor1d([1, 2, 3]);
  assert.deepEqual(sumPerExample(z).arraySync(), [1, 2, 3]);
  tf.dispose([x, y, z]);
});
