/** A short seeded DDPM run on a 2-D toy: samples end far closer (MMD) to the data than the noise they start from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { train } from '../../../src/train/loop.js';
import { loadRun } from '../../../src/train/load_run.js';
import { DEFAULT_TRAINING, deepMerge } from '../../../src/train/config.js';
import { ddpmFamily } from '../../../src/models/ddpm/family.js';
import { loadSource } from '../../../src/data/index.js';
import { mmd } from '../../../src/eval/mmd.js';
import { Rng } from '../../../src/util/rng.js';
import type { TrainingConfig } from '../../../src/train/types.js';

test('DDPM on toy:eight-gaussians: MMD(samples, data) far below MMD(noise, data); leak-free sampling', async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  const data = await loadSource('toy:eight-gaussians', { split: 'test' });
  const shape = { kind: 'points' as const, shape: [2], numClasses: 8 };
  const d = ddpmFamily.defaults(shape, 'toy:eight-gaussians');
  const training = deepMerge(deepMerge(DEFAULT_TRAINING, d.training), { data: 'toy:eight-gaussians', steps: 2000, sampleEvery: 0, checkpointEvery: 0, logEvery: 0 }) as TrainingConfig;
  const out = join(mkdtempSync(join(tmpdir(), 'genlab-ddpm-')), 'run');
  await train(ddpmFamily, { genlab: 'test', model: 'ddpm', training, modelConfig: d.model }, { out, resume: false, backend: 'wasm', quiet: true });
  const run = await loadRun(out);
  const before = tf.memory().numTensors;
  const s = run.model.sample(1000, new Rng(3));
  const samples = s.dataSync() as Float32Array;
  s.dispose();
  assert.equal(tf.memory().numTensors, before, 'sampling leaks no tensors');
  run.model.dispose();
  const ref = data.kind === 'points' ? data.points.subarray(0, 2000) : new Float32Array();
  const noise = new Rng(4).normalArray(2000);
  const mSamples = mmd(samples, ref, 1000, 1000, { dim: 2 }).mmd2;
  const mNoise = mmd(noise, ref, 1000, 1000, { dim: 2 }).mmd2;
  assert.ok(mSamples < 0.1 * mNoise, `MMD^2 samples ${mSamples} vs noise ${mNoise}`);
});
