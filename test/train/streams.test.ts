/**
 * Several named data streams per run (training.streams) and model state outside tensors
 * (TrainableModel.hostState): each stream has its own batcher, drawn independently, and its
 * data shape reaches the model; the host state (here a CycleGAN-like history pool that the
 * step's random stream fills and reads) goes into every checkpoint, so 10 steps + 10 resumed
 * end bit-identical to 20 straight ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { train } from '../../src/train/loop.js';
import { DEFAULT_TRAINING, validateTraining } from '../../src/train/config.js';
import { loadWeights } from '../../src/io/weights.js';
import { Sequential, Dense, relu } from '../../src/nn/index.js';
import type { Batch, DataShape, ModelFamily, RunConfig, StepContext, TrainableModel } from '../../src/train/types.js';
import type { Rng } from '../../src/util/rng.js';
import { UserError } from '../../src/util/errors.js';

await initBackend({ backend: 'cpu' });

/** Maps stream `a` (the main one) towards the mean of a pool of past `b` batches. */
class PoolModel implements TrainableModel {
  readonly net: Sequential;
  pool: number[][] = [];
  seenShapes: DataShape;
  constructor(data: DataShape, rng: Rng) {
    this.seenShapes = data;
    this.net = new Sequential([new Dense(rng, 2, 8), relu, new Dense(rng, 8, 2)]);
  }
  namedVariables() {
    return this.net.namedVariables();
  }
  paramGroups() {
    return { model: this.net.parameters() };
  }
  emaGroups() {
    return [];
  }
  trainStep(batch: Batch, ctx: StepContext) {
    const b = batch.streams?.b;
    if (!b) throw new Error('no stream b');
    // The pool: keep up to 4 batch means of b; half the time swap a random old one in (as CycleGAN's image pool does).
    const mean = Array.from(tf.tidy(() => tf.mean(b.x, 0).dataSync()));
    let target = mean;
    if (this.pool.length < 4) this.pool.push(mean);
    else if (ctx.rng.uniform() < 0.5) {
      const k = ctx.rng.int(4);
      target = this.pool[k];
      this.pool[k] = mean;
    }
    const r = ctx.optimize('model', () => tf.mean(tf.square(tf.sub(this.net.apply(batch.x), tf.tensor2d([target])))) as tf.Scalar);
    return { loss: r.loss };
  }
  sample(n: number, rng: Rng) {
    return tf.tidy(() => this.net.apply(tf.tensor(rng.normalArray(2 * n), [n, 2])));
  }
  setTraining(on: boolean) {
    this.net.train(on);
  }
  hostState() {
    return { pool: this.pool };
  }
  restoreHostState(s: unknown) {
    this.pool = (s as { pool: number[][] }).pool.map((p) => [...p]);
  }
  dispose() {
    this.net.dispose();
  }
}

let lastModel: PoolModel | null = null;
const poolFamily: ModelFamily<Record<string, never>> = {
  name: 'pool',
  summary: 'test fixture',
  defaults: () => ({ model: {}, training: {} }),
  validate: () => undefined,
  create: (_c, d, rng) => (lastModel = new PoolModel(d, rng)),
  dataOptions: () => ({ scaling: 'unit', binarize: 'none' }),
};

function config(streams: Record<string, string> = { b: 'toy:circles' }): RunConfig<Record<string, never>> {
  return {
    genlab: 'test',
    model: 'pool',
    training: { ...DEFAULT_TRAINING, data: 'toy:two-moons', streams, steps: 20, batch: 16, sampleEvery: 0, checkpointEvery: 5, logEvery: 1, ema: null },
    modelConfig: {},
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'genlab-streams-'));

async function weights(run: string): Promise<number[][]> {
  const { tensors } = await loadWeights(join(run, 'model'), 'model');
  const out = [...tensors.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => Array.from(t.dataSync()));
  tf.dispose([...tensors.values()]);
  return out;
}

test('two streams: own shapes, independent batches, host state in checkpoints; 10 + 10 resumed = 20', async () => {
  const straight = join(tmp(), 'run');
  await train(poolFamily, config(), { out: straight, resume: false, backend: 'cpu', quiet: true });
  assert.deepEqual(lastModel!.seenShapes.streams, { b: { kind: 'points', shape: [2], numClasses: 2 } });
  const saved = JSON.parse(readFileSync(join(straight, 'config.json'), 'utf8'));
  assert.deepEqual(saved.training.streams, { b: 'toy:circles' });
  const latest = readFileSync(join(straight, 'latest'), 'utf8').trim();
  const state = JSON.parse(readFileSync(join(straight, 'checkpoints', latest, 'state.json'), 'utf8'));
  assert.equal(state.host.pool.length, 4, 'the pool is in the checkpoint');
  assert.ok(state.streams.b, "stream b's batcher position is in the checkpoint");

  const split = join(tmp(), 'run');
  await train(poolFamily, config(), { out: split, resume: false, backend: 'cpu', quiet: true, stopAfter: 10 });
  await train(poolFamily, config(), { out: split, resume: true, backend: 'cpu', quiet: true });
  assert.deepEqual(await weights(split), await weights(straight), 'resumed weights equal the straight run bit for bit');
  const losses = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss);
  assert.deepEqual(losses(split), losses(straight));
});

test('streams are drawn independently: the same source under two names gives different batches', async () => {
  // The main stream and a stream over the same source must not be paired example for example.
  let seen: number[][] = [];
  const probe: ModelFamily<Record<string, never>> = {
    ...poolFamily,
    create: (_c, d, rng) => {
      const m = new PoolModel(d, rng);
      const step = m.trainStep.bind(m);
      m.trainStep = (batch, ctx) => {
        seen.push([batch.x.dataSync()[0], batch.streams!.b.x.dataSync()[0], batch.streams!.c.x.dataSync()[0]]);
        return step(batch, ctx);
      };
      return m;
    },
  };
  seen = [];
  await train(probe, { ...config({ b: 'toy:two-moons', c: 'toy:two-moons' }), training: { ...config().training, streams: { b: 'toy:two-moons', c: 'toy:two-moons' }, steps: 3 } }, { out: join(tmp(), 'run'), resume: false, backend: 'cpu', quiet: true });
  assert.equal(seen.length, 3);
  for (const [a, b, c] of seen) assert.ok(a !== b && b !== c && a !== c, `first examples ${a}, ${b}, ${c} differ`);
});

test('training.streams is validated like training.data', () => {
  const t = { ...config().training, streams: { b: '' } };
  assert.throws(() => validateTraining(t, 'x.json'), (e: unknown) => e instanceof UserError && e.message === 'x.json: training.streams.b must be a data source name, got ""');
  assert.throws(() => validateTraining({ ...t, streams: ['mnist'] }, 'x.json'), (e: unknown) => e instanceof UserError && /training.streams must map stream names to data source names/.test(e.message));
});
