/**
 * The loop's core without a file system (issue 12): trainCore takes batches, the run's config
 * and hooks. Checkpoints kept in memory resume exactly (10 + 10 steps = 20 steps), the hooks come
 * in the loop's order, and a NaN loss stops with NonFiniteError and no checkpoint of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/core.js';
import { trainCore, runBatcher, NonFiniteError, type TrainHooks } from '../../src/train/train_core.js';
import type { CheckpointContent, LoadedCheckpoint } from '../../src/train/checkpoint_core.js';
import { loadSource } from '../../src/data/load_core.js';
import { DEFAULT_TRAINING } from '../../src/train/config.js';
import type { RunConfig, TrainingConfig } from '../../src/train/types.js';
import { tinyFamily, type TinyConfig } from '../fixtures/tiny_family.js';

await initBackend({ backend: 'cpu' });
const data = await loadSource('toy:two-moons', { split: 'train' });
const shape = { kind: 'points' as const, shape: [2], numClasses: 2 };

function config(over: Partial<TrainingConfig> = {}, model: Partial<TinyConfig> = {}): RunConfig<TinyConfig> {
  return {
    genlab: 'test',
    model: 'tiny',
    training: { ...DEFAULT_TRAINING, data: 'toy:two-moons', steps: 20, batch: 32, sampleEvery: 0, checkpointEvery: 5, logEvery: 5, ema: { decay: 0.9 }, clipGradNorm: 1, schedule: { warmupSteps: 3, decay: 'cosine', minRatio: 0.1 }, ...over },
    modelConfig: { hidden: 16, nanAtStep: 0, ...model },
  };
}

/** A copy of a checkpoint the loop hands out (its tensors are the live weights), as a reader would give it back. */
function keep(c: CheckpointContent): LoadedCheckpoint {
  const copy = (list: [string, tf.Tensor][]) => new Map(list.map(([n, t]) => [n, tf.clone(t)]));
  return { variables: copy(c.variables), ema: c.ema ? copy(c.ema) : null, optimizer: copy(c.optimizer), state: JSON.parse(JSON.stringify(c.state)) };
}

/** Runs trainCore, keeping the last checkpoint and the final weights in memory and the hooks' order. */
async function run(cfg: RunConfig<TinyConfig>, opts: { resume?: LoadedCheckpoint; stopAfter?: number } = {}) {
  const events: string[] = [];
  let last: LoadedCheckpoint | null = null;
  let weights: Float32Array[] = [];
  const hooks: TrainHooks = {
    onStart: (i) => void events.push(`start ${i.step}/${i.totalSteps}`),
    onLog: (row) => void events.push(`log ${row.step}`),
    onCheckpoint: (c) => {
      events.push(`checkpoint ${c.state.step}`);
      if (last) tf.dispose([...last.variables.values(), ...(last.ema?.values() ?? []), ...last.optimizer.values()]);
      last = keep(c);
    },
    shouldStop: (step) => opts.stopAfter !== undefined && step >= opts.stopAfter,
    onComplete: (w) => {
      events.push('complete');
      weights = w.map(([, t]) => t.dataSync().slice() as Float32Array);
    },
  };
  const resume = opts.resume ? { checkpoint: opts.resume, where: 'memory' } : undefined;
  const result = await trainCore({ family: tinyFamily, config: cfg, data: shape, batches: runBatcher(data, tinyFamily, cfg), resume, hooks });
  return { result, events, last: last as LoadedCheckpoint | null, weights };
}

test('trainCore: 20 steps equal 10, a checkpoint kept in memory, and 10 resumed; hooks in order; no leaks', async () => {
  const before = tf.memory().numTensors;
  const straight = await run(config());
  assert.equal(straight.result.status, 'done');
  assert.deepEqual(straight.events, ['start 0/20', 'log 5', 'checkpoint 5', 'log 10', 'checkpoint 10', 'log 15', 'checkpoint 15', 'log 20', 'checkpoint 20', 'complete']);
  const first = await run(config(), { stopAfter: 10 });
  assert.equal(first.result.status, 'interrupted');
  assert.deepEqual(first.events.slice(-2), ['log 10', 'checkpoint 10']);
  const second = await run(config(), { resume: first.last! });
  assert.equal(second.events[0], 'start 10/20');
  assert.equal(second.result.step, 20);
  let d = 0;
  straight.weights.forEach((w, i) => w.forEach((v, j) => (d = Math.max(d, Math.abs(v - second.weights[i][j])))));
  assert.ok(straight.weights.length > 0 && d <= 1e-6, `weights differ by ${d}`);
  assert.ok(Math.abs(straight.result.lastMetrics.loss - second.result.lastMetrics.loss) < 1e-6);
  for (const r of [straight, second]) tf.dispose([...r.last!.variables.values(), ...(r.last!.ema?.values() ?? []), ...r.last!.optimizer.values()]);
  assert.equal(tf.memory().numTensors, before, 'tensors left behind');
});

test('trainCore: a NaN loss throws NonFiniteError naming the step; no checkpoint after the last finite step', async () => {
  const cfg = config({ steps: 20, checkpointEvery: 4 }, { nanAtStep: 7 });
  const checkpoints: number[] = [];
  const hooks: TrainHooks = { onCheckpoint: (c) => void checkpoints.push(c.state.step) };
  await assert.rejects(trainCore({ family: tinyFamily, config: cfg, data: shape, batches: runBatcher(data, tinyFamily, cfg), hooks }), (e: Error) => e instanceof NonFiniteError && e.what === 'step 7: loss is NaN' && e.failedAt === 6);
  assert.deepEqual(checkpoints, [4]);
});
