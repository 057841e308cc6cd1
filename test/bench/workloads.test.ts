/** The benchmark workloads match the PyTorch reference's parameter counts, train, and leak nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { WORKLOADS } from '../../src/bench/workloads/index.js';
import { Rng } from '../../src/util/rng.js';
import { combineRounds } from '../../src/bench/run.js';
import { initBackend } from '../../src/backend/index.js';

await tf.setBackend('cpu');

// From ../shared/bench/WORKLOADS.md (counted by reference_torch.py).
const TORCH_PARAMS: Record<string, number> = { 'conv-ae': 74497, 'mlp-vae': 1379152, 'unet-ddpm': 554209, dcgan: 904834 };

test('every workload has the PyTorch reference parameter count', () => {
  assert.deepEqual(WORKLOADS.map((w) => w.name), Object.keys(TORCH_PARAMS));
  for (const w of WORKLOADS) {
    const before = tf.memory().numTensors;
    const built = w.build(new Rng(0), 1 / 64);
    assert.equal(built.params, TORCH_PARAMS[w.name], w.name);
    built.dispose();
    assert.equal(tf.memory().numTensors, before, `${w.name}: dispose frees everything`);
  }
});

test('mlp-vae steps lower the loss and keep the tensor count flat after the first step', () => {
  const w = WORKLOADS.find((s) => s.name === 'mlp-vae')!.build(new Rng(1), 1 / 8);
  const first = w.step(); // creates Adam's moment variables
  const n = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < 5; i++) last = w.step();
  assert.equal(tf.memory().numTensors, n);
  assert.ok(last < first, `loss ${first} -> ${last}`);
  w.dispose();
});

test('every workload keeps the tensor count flat across steps (a leak would also grow the wasm heap)', async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  for (const spec of WORKLOADS) {
    const w = spec.build(new Rng(2), 1 / 16);
    w.step(); // creates the optimiser's moment variables
    const n = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) w.step();
    assert.equal(tf.memory().numTensors, n, spec.name);
    w.dispose();
  }
  await tf.setBackend('cpu');
});

test('bench rounds: times are medians over rounds, the ratio the median of per-round ratios', () => {
  const r = combineRounds([
    { median_ms: 100, reference_ms: 50 }, // 2
    { median_ms: 120, reference_ms: 40 }, // 3
    { median_ms: 90, reference_ms: 60 }, // 1.5
  ]);
  assert.deepEqual(r, { median_ms: 100, reference_ms: 50, ratio: 2 });
  assert.deepEqual(combineRounds([{ median_ms: 10, reference_ms: null }]), { median_ms: 10, reference_ms: null, ratio: null });
});
