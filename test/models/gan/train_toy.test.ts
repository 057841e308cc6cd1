/**
 * Seeded short GAN runs through the shared training loop on toy:eight-gaussians: the
 * non-saturating GAN and WGAN-GP cover at least 7 of the 8 modes, most ns samples of high
 * quality; WGAN keeps its critic weights clipped; the playground frames and metrics are written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { train } from '../../../src/train/loop.js';
import { loadRun } from '../../../src/train/load_run.js';
import { DEFAULT_TRAINING, deepMerge } from '../../../src/train/config.js';
import { ganFamily, GanModel } from '../../../src/models/gan/index.js';
import { loadSource } from '../../../src/data/index.js';
import { modeCoverage } from '../../../src/eval/modes.js';
import { Rng } from '../../../src/util/rng.js';
import type { TrainingConfig } from '../../../src/train/types.js';
import type { GanLoss } from '../../../src/models/gan/losses.js';

const SOURCE = 'toy:eight-gaussians';
const shape = { kind: 'points' as const, shape: [2], numClasses: 8 };

async function trainToy(loss: GanLoss, overrides: Partial<TrainingConfig>): Promise<string> {
  const d = ganFamily.defaults(shape, SOURCE, { modelConfig: { loss } });
  const training = deepMerge(deepMerge(DEFAULT_TRAINING, d.training), { data: SOURCE, seed: 0, ...overrides }) as TrainingConfig;
  training.optimizers = d.training.optimizers!;
  const out = join(mkdtempSync(join(tmpdir(), `genlab-gan-${loss}-`)), 'run');
  await train(ganFamily, { genlab: 'test', model: 'gan', training, modelConfig: d.model }, { out, resume: false, backend: 'wasm', quiet: true });
  return out;
}

async function coverage(run: string): Promise<{ modes: number; hq: number }> {
  const data = await loadSource(SOURCE, { split: 'train' });
  if (data.kind !== 'points' || !data.modes || !data.modeStd) throw new Error('toy without modes');
  const loaded = await loadRun(run);
  const before = tf.memory().numTensors;
  const s = loaded.model.sample(2000, new Rng(11));
  const pts = s.dataSync() as Float32Array;
  s.dispose();
  assert.equal(tf.memory().numTensors, before, 'sampling leaks no tensors');
  loaded.model.dispose();
  return modeCoverage(pts, 2000, data.modes, 8, { std: data.modeStd });
}

for (const loss of ['ns', 'wgan-gp'] as const) {
  test(`${loss} GAN on ${SOURCE}: at least 7 of 8 modes covered, high-quality share above its floor`, async () => {
    // On the wasm kernels, native ones off: a seeded GAN run follows its arithmetic, and the
    // threshold was set on these (with native Adam and exp, ns seed 0 covered 6 of 8).
    await initBackend({ backend: 'wasm', threads: 1, native: 'off' });
    // The family's toy defaults: ns 2,500 steps; wgan-gp 5,000 critic steps = 1,000 generator steps.
    const steps = loss === 'ns' ? 2500 : 5000;
    const run = await trainToy(loss, { steps, sampleEvery: steps, checkpointEvery: 0, logEvery: 50 });
    const cov = await coverage(run);
    assert.ok(cov.modes >= 7, `${loss}: ${cov.modes} modes covered`);
    // Most samples of high quality = more than half within 3 std (0.06) of a mode
    // (measured with seed 0: ns 0.87; wgan-gp with the toy's lambda = 1, 0.80).
    assert.ok(cov.hq > 0.5, `${loss}: high-quality share ${cov.hq}`);
    // The playground frame and the per-step diagnostics are there.
    const frames = readdirSync(join(run, 'playground'));
    assert.ok(frames.some((f) => f.endsWith('.png')), 'a playground frame');
    const rows = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const last = rows.filter((r) => 'd_loss' in r).at(-1)!;
    for (const k of ['d_loss', 'g_loss', 'd_real', 'd_fake', 'grad_d', 'grad_g']) assert.ok(Number.isFinite(last[k]), `metrics.jsonl has ${k}`);
    if (loss === 'wgan-gp') for (const k of ['gp', 'w_dist', 'grad_xhat']) assert.ok(Number.isFinite(last[k]), `metrics.jsonl has ${k}`);
    assert.ok(rows.some((r) => 'modes' in r && 'hq' in r), 'mode coverage rows');
    assert.ok(existsSync(join(run, 'report.html')));
  });
}

test('WGAN with weight clipping: after training every critic weight is within [-c, c]', async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
  const run = await trainToy('wgan', { steps: 50, sampleEvery: 0, checkpointEvery: 0, logEvery: 10 });
  const loaded = await loadRun(run, { ema: false });
  assert.ok(loaded.model instanceof GanModel);
  const c = loaded.model.config.clip;
  for (const v of loaded.model.discriminator.parameters()) {
    const max = Math.max(...Array.from(v.dataSync(), Math.abs));
    assert.ok(max <= c + 1e-7, `${v.name}: max |w| ${max} > ${c}`);
  }
  loaded.model.dispose();
});
