/**
 * CycleGAN (src/models/cyclegan/): the networks' NHWC shapes and PatchGAN geometry, the cycle
 * and identity terms against hand computations, the history pool's behaviour, no tensor leaks
 * per step, exact resume through the shared loop with two streams (mnist -> mnist-m), and a
 * short seeded run whose cycle loss falls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { train } from '../../../src/train/loop.js';
import { DEFAULT_TRAINING, deepMerge } from '../../../src/train/config.js';
import { loadWeights } from '../../../src/io/weights.js';
import { Rng } from '../../../src/util/rng.js';
import { UserError } from '../../../src/util/errors.js';
import { cycleganFamily } from '../../../src/models/cyclegan/index.js';
import { CycleganModel, patchReceptiveField, patchSide } from '../../../src/models/cyclegan/model.js';
import { buildDiscriminator, buildGenerator } from '../../../src/models/cyclegan/networks.js';
import { CYCLEGAN_LOSSES, cycleLoss, halfDiscriminatorLoss, identityLoss } from '../../../src/models/cyclegan/losses.js';
import { ImagePool } from '../../../src/models/cyclegan/image_pool.js';
import { defaultConfig, type CycleganConfig } from '../../../src/models/cyclegan/config.js';
import type { DataShape, RunConfig, StepContext, TrainingConfig } from '../../../src/train/types.js';

await initBackend({ backend: 'wasm', threads: 1 });

const tiny = (over: Partial<CycleganConfig> = {}): CycleganConfig => ({ ...defaultConfig(), generatorChannels: 4, resBlocks: 1, discriminatorChannels: 4, ...over });
const MNIST_TO_M: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10, streams: { b: { kind: 'images', shape: [28, 28, 3], numClasses: 10 } } };

test('networks: NHWC shapes; PatchGAN maps of 12x12 / 5x5 / 1x1 on 28 px with 16 / 34 / 70 px fields', () => {
  const rng = new Rng(0);
  for (const upsample of ['transpose', 'resize'] as const) {
    for (const [size, c] of [[28, 1], [32, 3]] as const) {
      const g = buildGenerator(rng, c, 3, tiny({ upsample, resBlocks: 2 }));
      const y = g.apply(tf.zeros([2, size, size, c]));
      assert.deepEqual(y.shape, [2, size, size, 3], `${upsample} ${size}`);
      const v = y.dataSync();
      assert.ok(v.every((x) => x >= -1 && x <= 1), 'tanh output');
      tf.dispose(y);
      g.dispose();
    }
  }
  for (const [layers, side, field] of [[1, 12, 16], [2, 5, 34], [3, 1, 70]] as const) {
    assert.equal(patchSide(28, layers), side);
    assert.equal(patchReceptiveField(layers), field);
    const d = buildDiscriminator(rng, 3, tiny({ discriminatorLayers: layers }));
    const out = d.apply(tf.randomNormal([2, 28, 28, 3]));
    assert.deepEqual(out.shape, [2, side, side, 1]);
    tf.dispose(out);
    d.dispose();
  }
  assert.equal(patchSide(32, 2), 6);
  assert.throws(() => new CycleganModel(tiny({ discriminatorLayers: 4 }), MNIST_TO_M, new Rng(0)), (e: unknown) => e instanceof UserError && /too deep/.test(e.message));
  assert.throws(() => new CycleganModel(tiny(), { ...MNIST_TO_M, streams: undefined }, new Rng(0)), (e: unknown) => e instanceof UserError && /--data-b/.test(e.message));
});

test("the paper's networks at 256 px size as the authors' code counts them: G 11,378,179 and D 2,764,737 parameters", () => {
  // The authors' train.py prints "[Network G_A] Total number of parameters : 11.378 M" and
  // "[Network D_A] ... 2.765 M" for resnet_9blocks / n_layers 3, ngf = ndf = 64, with
  // InstanceNorm2d(affine=False); by hand: 9,472 + 73,856 + 295,168 + 9 x 1,180,160 + 295,040
  // + 73,792 + 9,411 and 3,136 + 131,200 + 524,544 + 2,097,664 + 8,193. Our instance norms carry
  // a scale and a shift (2 x channels each), left out of the count.
  const rng = new Rng(0);
  const paper = { ...defaultConfig(), generatorChannels: 64, resBlocks: 9, discriminatorChannels: 64, discriminatorLayers: 3 };
  const count = (named: [string, tf.Variable][]) => named.filter(([n]) => !/\.(gamma|beta)$/.test(n)).reduce((s, [, v]) => s + v.size, 0);
  const g = buildGenerator(rng, 3, 3, paper);
  const d = buildDiscriminator(rng, 3, paper);
  assert.equal(count(g.namedParameters()), 11_378_179);
  assert.equal(count(d.namedParameters()), 2_764_737);
  g.dispose();
  d.dispose();
});

test('cycle loss = lambda (mean|F(G(a)) - a| + mean|G(F(b)) - b|) and identity loss, by hand', () => {
  // a = [1, -1], F(G(a)) = [0.5, 0]  -> mean |.| = (0.5 + 1) / 2 = 0.75
  // b = [0, 0, 2], G(F(b)) = [1, 0, 0] -> mean |.| = (1 + 0 + 2) / 3 = 1
  const a = tf.tensor4d([1, -1], [1, 1, 2, 1]);
  const recA = tf.tensor4d([0.5, 0], [1, 1, 2, 1]);
  const b = tf.tensor4d([0, 0, 2], [1, 1, 1, 3]);
  const recB = tf.tensor4d([1, 0, 0], [1, 1, 1, 3]);
  const cyc = cycleLoss(a, recA, b, recB, 10);
  assert.ok(Math.abs(cyc.dataSync()[0] - 10 * (0.75 + 1)) < 1e-5, `cycle ${cyc.dataSync()[0]}`);
  // identity with lambda_id = 0.5 x 10: F(a) = a + 0.2 everywhere, G(b) = b - 0.4 -> 5 (0.2 + 0.4)
  const idt = identityLoss(a, tf.add(a, 0.2), b, tf.sub(b, 0.4), 5);
  assert.ok(Math.abs(idt.dataSync()[0] - 5 * 0.6) < 1e-5, `identity ${idt.dataSync()[0]}`);
  // lambda_B apart from lambda_A (the authors' --lambda_B): 10 x 0.75 + 2 x 1; identity 5 x 0.2 + 1 x 0.4
  const cycAB = cycleLoss(a, recA, b, recB, 10, 2);
  assert.ok(Math.abs(cycAB.dataSync()[0] - 9.5) < 1e-5, `cycle with lambda_B ${cycAB.dataSync()[0]}`);
  const idtAB = identityLoss(a, tf.add(a, 0.2), b, tf.sub(b, 0.4), 5, 1);
  assert.ok(Math.abs(idtAB.dataSync()[0] - 1.4) < 1e-5, `identity with lambda_B ${idtAB.dataSync()[0]}`);
  tf.dispose([cycAB, idtAB]);
  // LSGAN discriminator, halved: 0.5 (mean (r - 1)^2 + mean f^2); r = [1, 3] -> (0 + 4) / 2, f = [1] -> 1
  const d = halfDiscriminatorLoss('lsgan', tf.tensor([1, 3]), tf.tensor([1]));
  assert.ok(Math.abs(d.dataSync()[0] - 0.5 * (2 + 1)) < 1e-6);
  tf.dispose([a, recA, b, recB, cyc, idt, d]);
});

for (const lambdaB of [null, 2]) {
test(`the model step: the cycle and identity metrics equal their definitions on the same weights (lambda_B ${lambdaB ?? '= lambda_A'})`, () => {
  const model = new CycleganModel(tiny({ poolSize: 0, cycleWeightB: lambdaB }), MNIST_TO_M, new Rng(3));
  const lB = lambdaB ?? 10;
  const rng = new Rng(1);
  const a = tf.tensor4d(rng.uniformArray(2 * 784, -1, 1), [2, 28, 28, 1]);
  const b = tf.tensor4d(rng.uniformArray(2 * 784 * 3, -1, 1), [2, 28, 28, 3]);
  // What the step should report, computed independently before any update.
  const want = tf.tidy(() => {
    const a3 = tf.tile(a, [1, 1, 1, 3]);
    const l1 = (x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.abs(tf.sub(x, y))).dataSync()[0];
    return {
      cycA: l1(model.f.apply(model.g.apply(a3)), a3),
      cycB: l1(model.g.apply(model.f.apply(b)), b),
      idt: 0.5 * lB * l1(model.g.apply(b), b) + 5 * l1(model.f.apply(a3), a3),
    };
  });
  // A context that computes the loss and applies no update.
  const ctx: StepContext = {
    step: 0,
    rng: new Rng(0),
    optimize: (_g, lossFn, aux) => {
      let values: Record<string, number> = {};
      const loss = tf.tidy(() => {
        const l = lossFn();
        if (aux) values = Object.fromEntries(Object.entries(aux()).map(([k, v]) => [k, v.dataSync()[0]]));
        return l.dataSync()[0];
      });
      return { loss, gradNorm: 0, aux: values };
    },
  };
  const m = model.trainStep({ x: a, streams: { b: { x: b } } }, ctx);
  assert.ok(Math.abs(m.cycle_l1_a - want.cycA) < 1e-5, `${m.cycle_l1_a} vs ${want.cycA}`);
  assert.ok(Math.abs(m.cycle_l1_b - want.cycB) < 1e-5);
  assert.ok(Math.abs(m.identity - want.idt) < 1e-4);
  assert.ok(Math.abs(m.g_loss - (m.g_adv + 10 * m.cycle_l1_a + lB * m.cycle_l1_b + m.identity)) < 1e-3, 'g_loss is the sum of its terms');
  tf.dispose([a, b]);
  model.dispose();
});
}

test('image pool: stores until full, then shows a stored image half the time (seeded), state round trip', () => {
  const img = (v: number) => tf.fill([1, 2, 2, 1], v);
  const pool = new ImagePool(3);
  const rng = new Rng(5);
  for (const v of [1, 2, 3]) {
    const out = pool.query(img(v), rng);
    assert.deepEqual(Array.from(out.dataSync()), [v, v, v, v], 'while filling, the new image is shown');
    out.dispose();
  }
  assert.equal(pool.count, 3);
  // Full: over 2,000 single-image queries, about half come from the pool; each shown old image
  // is one stored at that moment, and the new image takes its slot.
  let fromPool = 0;
  const before = new Rng(99).state();
  const queryRng = new Rng(before);
  const copy = new ImagePool(3);
  copy.restore(pool.state());
  for (let i = 0; i < 2000; i++) {
    const v = 10 + i;
    const stored = new Set([0, 1, 2].map((k) => pool.stored(k)[0]));
    const out = pool.query(img(v), queryRng);
    const shown = out.dataSync()[0];
    out.dispose();
    if (shown !== v) {
      fromPool++;
      assert.ok(stored.has(shown), `shown ${shown} was not in the pool`);
      assert.ok([0, 1, 2].some((k) => pool.stored(k)[0] === v), 'the new image replaced the one shown');
    }
  }
  // Binomial(2000, 0.5): mean 1000, std 22.4; 5 std either side
  assert.ok(Math.abs(fromPool - 1000) < 112, `${fromPool} of 2000 from the pool`);
  // The same seed and contents give the same answers; the state survives JSON exactly.
  const again = new ImagePool(3);
  again.restore(JSON.parse(JSON.stringify(copy.state())));
  const r1 = new Rng(before);
  const r2 = new Rng(before);
  for (let i = 0; i < 20; i++) {
    const x = tf.tensor4d(new Rng(i).uniformArray(4), [1, 2, 2, 1]);
    const p = copy.query(x, r1);
    const q = again.query(x, r2);
    assert.deepEqual(p.dataSync(), q.dataSync());
    tf.dispose([x, p, q]);
  }
  assert.deepEqual(again.state(), copy.state());
  const none = new ImagePool(0);
  const x = img(7);
  const y = none.query(x, rng);
  assert.deepEqual(Array.from(y.dataSync()), [7, 7, 7, 7]);
  assert.equal(none.count, 0);
  tf.dispose([x, y]);
});

for (const loss of CYCLEGAN_LOSSES) {
  test(`${loss}: finite step metrics, and no tensors left behind (the count is flat across steps)`, () => {
    const model = new CycleganModel(tiny({ poolSize: 4, loss }), MNIST_TO_M, new Rng(0));
    const ctx = (step: number): StepContext => ({
      step,
      rng: new Rng(step),
      optimize: (group, lossFn, aux) => {
        const own = model.paramGroups()[group];
        let values: Record<string, number> = {};
        const { value, grads } = tf.variableGrads(() => {
          const l = lossFn();
          if (aux) values = Object.fromEntries(Object.entries(aux()).map(([k, v]) => [k, v.dataSync()[0]]));
          return l;
        }, own);
        tf.tidy(() => own.forEach((v) => v.assign(tf.sub(v, tf.mul(1e-3, grads[v.name])))));
        const loss = value.dataSync()[0];
        tf.dispose([value, ...Object.values(grads)]);
        return { loss, gradNorm: 0, aux: values };
      },
    });
    const batch = (i: number) => ({ x: tf.randomUniform([3, 28, 28, 1], -1, 1, 'float32', i), streams: { b: { x: tf.randomUniform([3, 28, 28, 3], -1, 1, 'float32', i + 100) } } });
    const counts: number[] = [];
    for (let s = 0; s < 4; s++) {
      const bt = batch(s);
      const m = model.trainStep(bt, ctx(s));
      tf.dispose([bt.x, bt.streams.b.x]);
      counts.push(tf.memory().numTensors);
      for (const [k, v] of Object.entries(m)) assert.ok(Number.isFinite(v), `${loss} step ${s}: ${k} = ${v}`);
      assert.equal('gp' in m, loss === 'wgan-gp');
      if (loss === 'wgan-gp') assert.ok(m.gp > 0, `gp ${m.gp}`);
    }
    assert.deepEqual(counts.slice(1), [counts[1], counts[1], counts[1]], `tensor counts ${counts}`);
    const s = model.sample(2, new Rng(0));
    assert.deepEqual(s.shape, [2, 28, 28, 3]);
    s.dispose();
    model.dispose();
  });
}

function runConfig(over: Partial<TrainingConfig>, model: CycleganConfig): RunConfig<CycleganConfig> {
  const d = cycleganFamily.defaults(MNIST_TO_M, 'mnist');
  const training = deepMerge(deepMerge(DEFAULT_TRAINING, d.training), { data: 'mnist', streams: { b: 'mnist-m' }, seed: 0, logEvery: 1, sampleEvery: 0, ...over }) as TrainingConfig;
  training.optimizers = d.training.optimizers!;
  return { genlab: 'test', model: 'cyclegan', training, modelConfig: model };
}

async function weights(run: string): Promise<[string, number[]][]> {
  const { tensors } = await loadWeights(join(run, 'model'), 'model');
  const out = [...tensors.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([n, t]) => [n, Array.from(t.dataSync())] as [string, number[]]);
  tf.dispose([...tensors.values()]);
  return out;
}

const tmp = () => join(mkdtempSync(join(tmpdir(), 'genlab-cyclegan-')), 'run');
const rows = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => { const r = JSON.parse(l); delete r.time; return r; });

test('exact resume: 6 steps straight = 3, resume, 3 (weights, metrics and the pools bit for bit)', async () => {
  // A pool of 3 is full after the first batch of 4, so the resumed steps draw from it.
  const model = tiny({ poolSize: 3 });
  const over = { steps: 6, batch: 4, checkpointEvery: 3 };
  const straight = tmp();
  await train(cycleganFamily, runConfig(over, model), { out: straight, resume: false, backend: 'wasm', quiet: true });
  const split = tmp();
  await train(cycleganFamily, runConfig(over, model), { out: split, resume: false, backend: 'wasm', quiet: true, stopAfter: 3 });
  const mid = JSON.parse(readFileSync(join(split, 'checkpoints', 'step-0000003', 'state.json'), 'utf8'));
  assert.equal(mid.host.poolA.images.length, 3, 'pool A is in the checkpoint');
  assert.equal(mid.host.poolB.images.length, 3);
  assert.ok(mid.streams.b, "stream b's position is in the checkpoint");
  await train(cycleganFamily, runConfig(over, model), { out: split, resume: true, backend: 'wasm', quiet: true });
  assert.deepEqual(rows(split), rows(straight));
  const w1 = await weights(straight);
  const w2 = await weights(split);
  assert.deepEqual(w2.map(([n]) => n), w1.map(([n]) => n));
  assert.deepEqual(w2, w1);
  const end = (dir: string) => JSON.parse(readFileSync(join(dir, 'checkpoints', 'step-0000006', 'state.json'), 'utf8')).host;
  assert.deepEqual(end(split), end(straight));
});

test('a short seeded mnist -> mnist-m run: the cycle L1 falls', async () => {
  const out = tmp();
  await train(cycleganFamily, runConfig({ steps: 100, batch: 8, checkpointEvery: 0, seed: 1 }, tiny({ generatorChannels: 8, resBlocks: 2 })), { out, resume: false, backend: 'wasm', quiet: true });
  const r = rows(out);
  assert.equal(r.length, 100);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const cyc = r.map((x) => x.cycle_l1_a + x.cycle_l1_b);
  const first = mean(cyc.slice(0, 5));
  const last = mean(cyc.slice(-5));
  // measured (wasm, 1 thread): 1.357 -> 0.785
  assert.ok(last < 0.65 * first, `cycle L1 ${first.toFixed(3)} -> ${last.toFixed(3)}`);
  console.log(`# cycle L1 (a + b) first 5 steps ${first.toFixed(4)}, last 5 ${last.toFixed(4)}`);
});
