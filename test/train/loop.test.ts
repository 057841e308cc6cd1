/** The shared training loop: exact resume, determinism, NaN stop, no leaks, run-directory rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { train, NanLossError } from '../../src/train/loop.js';
import { DEFAULT_TRAINING } from '../../src/train/config.js';
import { loadWeights } from '../../src/io/weights.js';
import type { RunConfig, TrainingConfig } from '../../src/train/types.js';
import { UserError } from '../../src/util/errors.js';
import { tinyFamily, type TinyConfig } from '../fixtures/tiny_family.js';

await initBackend({ backend: 'cpu' });
const tmp = () => mkdtempSync(join(tmpdir(), 'genlab-loop-'));

function config(over: Partial<TrainingConfig> = {}, model: Partial<TinyConfig> = {}): RunConfig<TinyConfig> {
  return {
    genlab: 'test',
    model: 'tiny',
    training: { ...DEFAULT_TRAINING, data: 'toy:two-moons', steps: 20, batch: 32, sampleEvery: 0, checkpointEvery: 5, logEvery: 5, ema: { decay: 0.9 }, clipGradNorm: 1, schedule: { warmupSteps: 3, decay: 'cosine', minRatio: 0.1 }, ...over },
    modelConfig: { hidden: 16, nanAtStep: 0, ...model },
  };
}

async function finalWeights(run: string): Promise<Float32Array[]> {
  const { tensors } = await loadWeights(join(run, 'model'), 'model');
  const out = [...tensors.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t.dataSync() as Float32Array);
  tf.dispose([...tensors.values()]);
  return out;
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => x.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  return m;
}

test('20 steps equal 10 steps, a stop, and 10 resumed steps (weights, EMA, Adam, data order, step noise)', async () => {
  const straight = tmp();
  await train(tinyFamily, config(), { out: straight, resume: false, backend: 'cpu', quiet: true });
  const split = tmp();
  const first = await train(tinyFamily, config(), { out: split, resume: false, backend: 'cpu', quiet: true, stopAfter: 10 });
  assert.equal(first.status, 'interrupted');
  assert.equal(first.step, 10);
  const second = await train(tinyFamily, config(), { out: split, resume: true, backend: 'cpu', quiet: true });
  assert.equal(second.step, 20);
  const d = maxDiff(await finalWeights(straight), await finalWeights(split));
  assert.ok(d <= 1e-5, `weights differ by ${d}`);
  const m1 = readFileSync(join(straight, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss);
  const m2 = readFileSync(join(split, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss);
  assert.deepEqual(m2.length, m1.length);
  m1.forEach((v: number, i: number) => assert.ok(Math.abs(v - m2[i]) < 1e-6, `loss at log ${i}`));
});

test('the same seed gives the same run; another seed another', async () => {
  const a = tmp();
  const b = tmp();
  const c = tmp();
  await train(tinyFamily, config({ steps: 8 }), { out: a, resume: false, backend: 'cpu', quiet: true });
  await train(tinyFamily, config({ steps: 8 }), { out: b, resume: false, backend: 'cpu', quiet: true });
  await train(tinyFamily, config({ steps: 8, seed: 1 }), { out: c, resume: false, backend: 'cpu', quiet: true });
  assert.equal(maxDiff(await finalWeights(a), await finalWeights(b)), 0);
  assert.ok(maxDiff(await finalWeights(a), await finalWeights(c)) > 1e-3);
});

test('a NaN loss stops the run and leaves the last good checkpoint untouched', async () => {
  const run = tmp();
  await assert.rejects(
    train(tinyFamily, config({ steps: 20, checkpointEvery: 4 }, { nanAtStep: 7 }), { out: run, resume: false, backend: 'cpu', quiet: true }),
    (e: Error) => e instanceof NanLossError && /step 7: loss is NaN/.test(e.message),
  );
  assert.equal(readFileSync(join(run, 'latest'), 'utf8').trim(), 'step-0000004');
  assert.ok(!existsSync(join(run, 'model')), 'no final model exported');
  const { tensors } = await loadWeights(join(run, 'checkpoints', 'step-0000004'), 'model');
  for (const t of tensors.values()) assert.ok(Array.from(t.dataSync()).every(Number.isFinite));
});

test('tf.memory().numTensors stays flat over hundreds of steps', async () => {
  const run = tmp();
  const before = tf.memory().numTensors;
  await train(tinyFamily, config({ steps: 300, checkpointEvery: 100, sampleEvery: 150, logEvery: 50 }), { out: run, resume: false, backend: 'cpu', quiet: true });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(readdirSync(join(run, 'samples')).includes('step-0000300.png'));
  assert.equal(readdirSync(join(run, 'checkpoints')).length, 3, 'keeps the last K checkpoints');
});

test('refuses to overwrite a non-empty run without --resume, and --resume without a checkpoint', async () => {
  const run = tmp();
  writeFileSync(join(run, 'notes.txt'), 'mine');
  await assert.rejects(train(tinyFamily, config(), { out: run, resume: false, backend: 'cpu', quiet: true }), (e: Error) => e instanceof UserError && /not empty/.test(e.message));
  assert.equal(readFileSync(join(run, 'notes.txt'), 'utf8'), 'mine');
  const empty = join(tmp(), 'r');
  mkdirSync(empty);
  await assert.rejects(train(tinyFamily, config(), { out: empty, resume: true, backend: 'cpu', quiet: true }), (e: Error) => e instanceof UserError && /no checkpoint/.test(e.message));
});
