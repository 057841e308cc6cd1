/** Run-directory rules of the loop: resume refusals, non-finite gradients, loadRun, sessions and report. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { train, NanLossError } from '../../src/train/loop.js';
import { DEFAULT_TRAINING, sameModel, firstDifference } from '../../src/train/config.js';
import { loadRun } from '../../src/train/load_run.js';
import { registerFamily } from '../../src/models/registry.js';
import { loadWeights } from '../../src/io/weights.js';
import type { RunConfig, TrainingConfig } from '../../src/train/types.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { tinyFamily, type TinyConfig } from '../fixtures/tiny_family.js';

await initBackend({ backend: 'cpu' });
registerFamily(tinyFamily);
const tmp = () => join(mkdtempSync(join(tmpdir(), 'genlab-run-')), 'run');

function config(over: Partial<TrainingConfig> = {}, model: Partial<TinyConfig> = {}): RunConfig<TinyConfig> {
  return {
    genlab: 'test',
    model: 'tiny',
    training: { ...DEFAULT_TRAINING, data: 'toy:two-moons', steps: 10, batch: 16, sampleEvery: 0, checkpointEvery: 5, logEvery: 5, ema: { decay: 0.9 }, ...over },
    modelConfig: { hidden: 8, nanAtStep: 0, ...model },
  };
}

/** Every file under dir with its bytes (to show that nothing changed). */
const snapshot = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name)).toString('base64')])
    .sort();

test('resume refuses changed model or optimiser settings (naming the key) and touches nothing; steps may grow', async () => {
  const run = tmp();
  await train(tinyFamily, config(), { out: run, resume: false, backend: 'cpu', quiet: true });
  const before = JSON.stringify(snapshot(run));
  await assert.rejects(train(tinyFamily, config({ steps: 20 }, { hidden: 9 }), { out: run, resume: true, backend: 'cpu', quiet: true }), (e: Error) => e instanceof UserError && /modelConfig.hidden is 8 in the run but 9 now/.test(e.message));
  const lr = { model: { kind: 'adam' as const, lr: 0.5 } };
  await assert.rejects(train(tinyFamily, config({ steps: 20, optimizers: lr }), { out: run, resume: true, backend: 'cpu', quiet: true }), (e: Error) => e instanceof UserError && /training.optimizers.model.lr is 0.001 in the run but 0.5 now/.test(e.message));
  assert.equal(JSON.stringify(snapshot(run)), before);
  const r = await train(tinyFamily, config({ steps: 15, logEvery: 1 }), { out: run, resume: true, backend: 'cpu', quiet: true });
  assert.equal(r.step, 15);
  assert.equal(readFileSync(join(run, 'latest'), 'utf8').trim(), 'step-0000015');
});

test('sameModel and firstDifference ignore key order and name the first differing path', () => {
  assert.equal(firstDifference({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), null);
  assert.equal(firstDifference({ a: 1, b: [1, { c: 2 }] }, { a: 1, b: [1, { c: 3 }] }), 'b[1].c');
  assert.equal(firstDifference({ a: 1 }, { a: 1, z: null }), 'z');
  const a = config();
  assert.equal(sameModel(a, config({ steps: 99, sampleEvery: 7, keepCheckpoints: 1 })), null);
  assert.match(sameModel(a, config({ seed: 3 }))!, /training.seed is 0 in the run but 3 now/);
  assert.match(sameModel(a, { ...a, model: 'other' })!, /model 'other' differs/);
});

test('a finite loss with a NaN gradient stops before the update: weights stay finite', async () => {
  const run = tmp();
  await assert.rejects(train(tinyFamily, config({ steps: 20, checkpointEvery: 3 }, { nanGradAtStep: 5 }), { out: run, resume: false, backend: 'cpu', quiet: true }), (e: Error) => e instanceof NanLossError && /step 5: model gradient norm is NaN/.test(e.message));
  assert.equal(readFileSync(join(run, 'latest'), 'utf8').trim(), 'step-0000003');
  const sessions = readFileSync(join(run, 'sessions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual([sessions.length, sessions[0].status, sessions[0].fromStep, sessions[0].toStep], [1, 'nan', 0, 4]);
});

test('loadRun gives the EMA weights by default and the live ones with {ema: false}; sessions and report', async () => {
  const run = tmp();
  await train(tinyFamily, config({ steps: 6, checkpointEvery: 0, sampleEvery: 3 }), { out: run, resume: false, backend: 'cpu', quiet: true });
  const manifest = JSON.parse(readFileSync(join(run, 'model', 'model.json'), 'utf8'));
  assert.equal(manifest.format, 'genlab');
  assert.deepEqual(manifest.weightsManifest[0].paths, ['weights.bin']);
  assert.equal(manifest.modelTopology.model, 'tiny');
  const ck = join(run, 'checkpoints', 'step-0000006');
  const read = async (name: string) => {
    const { tensors } = await loadWeights(ck, name);
    const out = new Map([...tensors].map(([k, t]) => [k, Array.from(t.dataSync())]));
    tf.dispose([...tensors.values()]);
    return out;
  };
  const live = await read('model');
  const ema = await read('ema');
  const before = tf.memory().numTensors;
  for (const [flag, want] of [[true, ema], [false, live]] as const) {
    const r = await loadRun(run, { ema: flag });
    for (const [n, v] of r.model.namedVariables()) assert.deepEqual(Array.from(v.dataSync()), want.get(n), `${flag} ${n}`);
    const s = r.model.sample(5, new Rng(1));
    assert.deepEqual(s.shape, [5, 2]);
    s.dispose();
    r.model.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'loadRun leaves no tensors behind');
  assert.notDeepEqual(live, ema);
  const rows = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => r.step), [5, 6]);
  for (const r of rows) assert.ok(['step', 'time', 'lr', 'loss', 'grad_norm'].every((k) => Number.isFinite(r[k])));
  const html = readFileSync(join(run, 'report.html'), 'utf8');
  assert.match(html, /<svg/);
  assert.match(html, /samples\/step-0000006.png/);
  assert.match(html, /<td>cpu<\/td><td>0 to 6<\/td>/);
});
