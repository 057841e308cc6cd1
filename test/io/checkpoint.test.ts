/** Checkpoints: exact round trip, `latest`, keep-K pruning, and atomic directory writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { saveCheckpoint, loadCheckpoint, latestCheckpoint, stepName, type TrainState } from '../../src/train/checkpoint.js';
import { writeDirAtomic } from '../../src/io/atomic.js';
import { DEFAULT_TRAINING } from '../../src/train/config.js';
import type { RunConfig } from '../../src/train/types.js';

await tf.setBackend('cpu');
const config: RunConfig = { genlab: 'test', model: 'tiny', training: DEFAULT_TRAINING, modelConfig: { hidden: 4 } };

function state(step: number): TrainState {
  return { step, rng: [1, 2, 3, step], batcher: { epoch: 1, index: step, rng: [5, 6, 7, 8] }, elapsedSeconds: step / 10, optimizerSteps: { model: step } };
}

test('a checkpoint round-trips bit for bit; latest names the newest; only the last K are kept', async () => {
  const run = mkdtempSync(join(tmpdir(), 'genlab-ck-'));
  const w = tf.tensor([[0.1, -1e-30], [3.4e38, Math.PI]]);
  const ema = tf.tensor([1.5, 2.5]);
  const m = tf.tensor([1e-8, 7]);
  for (const s of [10, 20, 30, 40]) {
    await saveCheckpoint(run, config, { variables: [['net.w', w]], ema: [['net.w', ema]], optimizer: [['model/m/0', m]], state: state(s) }, 2);
  }
  assert.deepEqual(readdirSync(join(run, 'checkpoints')).sort(), [stepName(30), stepName(40)]);
  assert.equal(readFileSync(join(run, 'latest'), 'utf8').trim(), 'step-0000040');
  const dir = (await latestCheckpoint(run))!;
  assert.equal(dir, join(run, 'checkpoints', 'step-0000040'));
  assert.deepEqual(readdirSync(dir).sort(), ['ema.bin', 'ema.json', 'model.json', 'optimizer.bin', 'optimizer.json', 'state.json', 'weights.bin']);
  const c = await loadCheckpoint(dir);
  assert.deepEqual(c.state, state(40));
  assert.deepEqual(Array.from(c.variables.get('net.w')!.dataSync()), Array.from(w.dataSync()));
  assert.deepEqual(c.variables.get('net.w')!.shape, [2, 2]);
  assert.deepEqual(Array.from(c.ema!.get('net.w')!.dataSync()), [1.5, 2.5]);
  assert.deepEqual(Array.from(c.optimizer.get('model/m/0')!.dataSync()), Array.from(m.dataSync()));
  tf.dispose([w, ema, m, ...c.variables.values(), ...c.ema!.values(), ...c.optimizer.values()]);
});

test('latestCheckpoint is null when `latest` is absent or names a missing checkpoint', async () => {
  const run = mkdtempSync(join(tmpdir(), 'genlab-ck-'));
  assert.equal(await latestCheckpoint(run), null);
  writeFileSync(join(run, 'latest'), 'step-0000099\n');
  assert.equal(await latestCheckpoint(run), null);
});

test('writeDirAtomic: a failing fill leaves the old directory as it was and no temporary folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'genlab-ck-'));
  const dir = join(root, 'ck');
  await writeDirAtomic(dir, async (t) => writeFileSync(join(t, 'a.txt'), 'old'));
  await assert.rejects(
    writeDirAtomic(dir, async (t) => {
      writeFileSync(join(t, 'a.txt'), 'new');
      throw new Error('disk full');
    }),
    /disk full/,
  );
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'old');
  assert.deepEqual(readdirSync(root), ['ck']);
  await writeDirAtomic(dir, async (t) => writeFileSync(join(t, 'b.txt'), 'new'));
  assert.deepEqual(readdirSync(dir), ['b.txt']);
  assert.ok(!existsSync(join(dir, 'a.txt')));
});
