/**
 * genlab bench --reference's comparison: FLOPs per step counted from the kernels' shapes (equal
 * to the hand count of mlp-vae's layers), the configurations compared, one real (small) run
 * through the child processes, and the tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { kernelFlops, countStepFlops } from '../../src/bench/flops.js';
import { configsFor, runComparison, formatComparison } from '../../src/bench/compare.js';
import { loadAddon } from '../../src/backend/native/addon.js';
import { WORKLOADS } from '../../src/bench/workloads/index.js';
import { Rng } from '../../src/util/rng.js';

test('kernel FLOPs from shapes: products (any transpose, batches) and the three convolutions', () => {
  assert.equal(kernelFlops('BatchMatMul', [[1, 5, 7], [1, 7, 4]], [[1, 5, 4]]), 2 * 5 * 7 * 4);
  assert.equal(kernelFlops('BatchMatMul', [[3, 7, 5], [3, 7, 4]], [[3, 5, 4]]), 2 * 3 * 5 * 7 * 4); // a^T
  assert.equal(kernelFlops('Conv2D', [[2, 9, 9, 3], [3, 3, 3, 8]], [[2, 9, 9, 8]]), 2 * 2 * 81 * 8 * 27);
  assert.equal(kernelFlops('Conv2DBackpropInput', [[2, 5, 5, 8], [3, 3, 3, 8]], [[2, 9, 9, 3]]), 2 * 2 * 25 * 8 * 27);
  assert.equal(kernelFlops('Conv2DBackpropFilter', [[2, 9, 9, 3], [2, 5, 5, 8]], [[3, 3, 3, 8]]), 2 * 2 * 25 * 8 * 27);
  assert.equal(kernelFlops('Add', [[4], [4]], [[4]]), 0);
});

test('mlp-vae step FLOPs counted from its kernels equal the hand count of its layers', async () => {
  await tf.setBackend('cpu');
  const b = 8;
  const w = WORKLOADS.find((s) => s.name === 'mlp-vae')!.build(new Rng(0), b / 128);
  w.step();
  const flops = await countStepFlops(() => w.step());
  w.dispose();
  const layers = [[784, 512], [512, 512], [512, 64], [32, 512], [512, 512], [512, 784]];
  const forward = layers.reduce((s, [i, o]) => s + 2 * b * i * o, 0);
  // Backward: every weight gradient, every input gradient but the first layer's (x is data).
  assert.equal(flops, forward + forward + (forward - 2 * b * 784 * 512));
});

test('configurations: wasm, wasm+native (when built) and PyTorch at each thread setting', () => {
  assert.deepEqual(configsFor([1, 2], true, true).map((c) => c.key), ['wasm-1', 'wasm-2', 'native-1', 'native-2', 'torch-1', 'torch-2']);
  assert.deepEqual(configsFor([1, 2], false, false).map((c) => c.key), ['wasm-1', 'wasm-2']);
});

test('a one-step comparison through the child processes reports times, FLOPs, GFLOP/s and the tables', async () => {
  const c = await runComparison({ workloads: ['mlp-vae'], steps: 1, warmup: 0, rounds: 1, threads: 1, threadSettings: [1], native: 'auto', referenceScript: null });
  const built = Boolean(loadAddon().addon);
  assert.deepEqual(c.configs.map((k) => k.key), built ? ['wasm-1', 'native-1'] : ['wasm-1']);
  assert.equal(c.chosen.key, built ? 'native-1' : 'wasm-1');
  const w = c.workloads['mlp-vae'];
  assert.equal(w.params, 1379152);
  assert.ok(w.flops! > 9e8 && w.flops! < 1e9, `flops ${w.flops}`);
  for (const k of c.configs) {
    assert.ok(w.configs[k.key].median_ms! > 0, k.key);
    assert.ok(w.configs[k.key].gflops! > 0, k.key);
  }
  assert.equal(w.ratio, null, 'no PyTorch, no ratio');
  if (built) assert.ok(c.peak['1'].gflops! > 0 && w.configs['native-1'].peak_fraction! > 0);
  const text = formatComparison(c);
  assert.match(text, /^genlab bench --reference: 1 round of 1 steps/);
  assert.match(text, /mlp-vae\s+0\.9\d/);
});
