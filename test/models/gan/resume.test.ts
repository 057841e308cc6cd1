/**
 * A WGAN updates its generator every 5th step and repeats the generator's last metrics on the
 * critic-only steps; that state lives outside the tensors (GanModel.hostState), so a run
 * stopped on a critic-only step and resumed must log the same lines as a straight run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/backend/index.js';
import { train } from '../../../src/train/loop.js';
import { DEFAULT_TRAINING, deepMerge } from '../../../src/train/config.js';
import { ganFamily } from '../../../src/models/gan/index.js';
import type { TrainingConfig } from '../../../src/train/types.js';

await initBackend({ backend: 'cpu' });

test('wgan resumed on a critic-only step logs what a straight run logs (host state restored)', async () => {
  const shape = { kind: 'points' as const, shape: [2], numClasses: 8 };
  const d = ganFamily.defaults(shape, 'toy:eight-gaussians', { modelConfig: { loss: 'wgan' } });
  const training = deepMerge(deepMerge(DEFAULT_TRAINING, d.training), { data: 'toy:eight-gaussians', seed: 0, steps: 14, batch: 32, logEvery: 1, sampleEvery: 0, checkpointEvery: 7 }) as TrainingConfig;
  training.optimizers = d.training.optimizers!;
  const config = () => ({ genlab: 'test', model: 'gan', training: structuredClone(training), modelConfig: structuredClone(d.model) });
  assert.equal(d.model.criticSteps, 5);
  const straight = join(mkdtempSync(join(tmpdir(), 'genlab-gan-resume-')), 'run');
  await train(ganFamily, config(), { out: straight, resume: false, backend: 'cpu', quiet: true });
  const split = join(mkdtempSync(join(tmpdir(), 'genlab-gan-resume-')), 'run');
  await train(ganFamily, config(), { out: split, resume: false, backend: 'cpu', quiet: true, stopAfter: 7 });
  await train(ganFamily, config(), { out: split, resume: true, backend: 'cpu', quiet: true });
  const rows = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => { const r = JSON.parse(l); delete r.time; return r; });
  const a = rows(straight);
  const b = rows(split);
  assert.equal(a.length, 14);
  assert.ok('g_loss' in b[7], 'step 8 (critic-only, after the resume) repeats the generator metrics');
  assert.deepEqual(b, a);
});
