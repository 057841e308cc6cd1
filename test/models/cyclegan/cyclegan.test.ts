/**
 * CycleGAN (src/models/cyclegan/): the networks' NHWC shapes and PatchGAN geometry, the cycle
 * and identity terms against hand computations, the history pool's behaviour, no tensor leaks
 * per step, exact resume through the shared loop with two streams (mnist -> mnist-m), and a
 * short seeded run whose cycle loss falls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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
import { buildDiscriminator, buildGenerator, ConditionalInstanceNorm, InstanceNorm, reflectPad, StyleSlot } from '../../../src/models/cyclegan/networks.js';
import { Conv2d } from '../../../src/nn/index.js';
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

test('conditional instance norm: IN(x) (1 + gamma(z)) + beta(z) by hand; a code stacked on the input would vanish under IN', () => {
  const slot = new StyleSlot();
  const norm = new ConditionalInstanceNorm(new Rng(2), 3, 2, slot);
  const rng = new Rng(5);
  const x = tf.tensor4d(rng.uniformArray(2 * 4 * 4 * 3, -1, 1), [2, 4, 4, 3]);
  const z = tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]);
  slot.z = z;
  const got = norm.apply(x);
  const want = tf.tidy(() => {
    const mean = tf.mean(x, [1, 2], true);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), [1, 2], true);
    const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))); // gamma 1, beta 0 at construction
    const gb = tf.add(tf.matMul(z, norm.film.kernel), norm.film.bias!); // [2, 6] = [gamma | beta]
    const gamma = tf.reshape(gb.slice([0, 0], [2, 3]), [2, 1, 1, 3]);
    const beta = tf.reshape(gb.slice([0, 3], [2, 3]), [2, 1, 1, 3]);
    return tf.add(tf.mul(normed, tf.add(1, gamma)), beta);
  });
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]) < 1e-5);
  slot.z = null;
  assert.throws(() => norm.apply(x), /no style code/);
  // Why the norms carry z: a channel constant over the image, through a reflection-padded conv, is
  // constant again, and instance norm returns the same output whatever that constant was.
  const conv = new Conv2d(new Rng(1), 4, 3, 3);
  const plain = new InstanceNorm(3);
  const through = (c: number) => tf.tidy(() => plain.apply(conv.apply(reflectPad(1)(tf.concat([x, tf.fill([2, 4, 4, 1], c)], 3)))));
  const [c0, c1] = [through(0), through(3)];
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(c0, c1))).dataSync()[0]) < 1e-4);
  tf.dispose([x, z, got, want, c0, c1]);
  norm.dispose();
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

/** A step context that computes each loss and its terms and applies no update (draws from Rng(0)). */
function lossOnlyContext(): StepContext {
  return {
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
}

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
  const ctx = lossOnlyContext();
  const m = model.trainStep({ x: a, streams: { b: { x: b } } }, ctx);
  assert.ok(Math.abs(m.cycle_l1_a - want.cycA) < 1e-5, `${m.cycle_l1_a} vs ${want.cycA}`);
  assert.ok(Math.abs(m.cycle_l1_b - want.cycB) < 1e-5);
  assert.ok(Math.abs(m.identity - want.idt) < 1e-4);
  assert.ok(Math.abs(m.g_loss - (m.g_adv + 10 * m.cycle_l1_a + lB * m.cycle_l1_b + m.identity)) < 1e-3, 'g_loss is the sum of its terms');
  tf.dispose([a, b]);
  model.dispose();
});
}

test('with a style code: the B cycle, KL, latent and identity terms equal their definitions; the total is their weighted sum', () => {
  const config = tiny({ poolSize: 0, styleDim: 2, klWeight: 0.3, latentWeight: 0.7 });
  const model = new CycleganModel(config, MNIST_TO_M, new Rng(3));
  assert.ok(model.e, 'an encoder');
  const rng = new Rng(1);
  const a = tf.tensor4d(rng.uniformArray(2 * 784, -1, 1), [2, 28, 28, 1]);
  const b = tf.tensor4d(rng.uniformArray(2 * 784 * 3, -1, 1), [2, 28, 28, 3]);
  // The step draws z_a, then eps, from ctx.rng: the same draws here.
  const draws = new Rng(0);
  const zA = tf.tensor2d(draws.normalArray(4), [2, 2]);
  const eps = tf.tensor2d(draws.normalArray(4), [2, 2]);
  const want = tf.tidy(() => {
    const a3 = tf.tile(a, [1, 1, 1, 3]);
    const l1 = (x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.abs(tf.sub(x, y))).dataSync()[0];
    const gOf = (x: tf.Tensor, z: tf.Tensor) => model.applyG(x, z);
    const q = model.e!.apply(b); // [2, 4] = [mu | logvar]
    const mu = q.slice([0, 0], [2, 2]);
    const logvar = q.slice([0, 2], [2, 2]);
    const zB = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logvar)), eps));
    // KL(N(mu, s^2) || N(0, 1)) = 0.5 (mu^2 + s^2 - log s^2 - 1), summed over z, averaged over the batch
    const kl = tf.mean(tf.sum(tf.mul(0.5, tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(logvar, 1))), 1)).dataSync()[0];
    const gA = gOf(a3, zA);
    return {
      cycA: l1(model.f.apply(gA), a3),
      cycB: l1(gOf(model.f.apply(b), zB), b),
      kl,
      latent: l1(model.e!.apply(gA).slice([0, 0], [2, 2]), zA),
      idt: 5 * l1(gOf(b, zB), b) + 5 * l1(model.f.apply(a3), a3),
    };
  });
  const ctx = lossOnlyContext();
  const m = model.trainStep({ x: a, streams: { b: { x: b } } }, ctx);
  const close = (got: number, exp: number, tol: number, what: string) => assert.ok(Math.abs(got - exp) < tol, `${what}: ${got} vs ${exp}`);
  close(m.cycle_l1_a, want.cycA, 1e-5, 'cycle a');
  close(m.cycle_l1_b, want.cycB, 1e-5, 'cycle b');
  close(m.kl, want.kl, 1e-4, 'kl');
  close(m.latent_l1, want.latent, 1e-5, 'latent');
  close(m.identity, want.idt, 1e-4, 'identity');
  close(m.g_loss, m.g_adv + 10 * m.cycle_l1_a + 10 * m.cycle_l1_b + m.identity + 0.3 * m.kl + 0.7 * m.latent_l1, 1e-3, 'g_loss');
  // a2b translation draws z ~ N(0, I): two seeds give two photos for one digit, one seed the same.
  const x = tf.tidy(() => tf.add(tf.mul(a.slice([0, 0, 0, 0], [1, 28, 28, 1]), 0.5), 0.5));
  const t = (seed: number) => { const r = model.translate(x, 'a2b', new Rng(seed)); r.reconstruction.dispose(); return r.translation; };
  const [t0, t0again, t1] = [t(0), t(0), t(1)];
  assert.deepEqual(Array.from(t0again.dataSync()), Array.from(t0.dataSync()));
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(t0, t1))).dataSync()[0]) > 1e-4, 'z changes the translation');
  tf.dispose([a, b, zA, eps, x, t0, t0again, t1]);
  model.dispose();
});

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

for (const [loss, styleDim] of [...CYCLEGAN_LOSSES.map((l) => [l, 0] as const), ['lsgan', 3] as const]) {
  test(`${loss}${styleDim ? `, style code of ${styleDim}` : ''}: finite step metrics, and no tensors left behind (the count is flat across steps)`, () => {
    const model = new CycleganModel(tiny({ poolSize: 4, loss, styleDim }), MNIST_TO_M, new Rng(0));
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
      assert.equal('kl' in m && 'latent_l1' in m, styleDim > 0);
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

for (const styleDim of [0, 2]) {
test(`exact resume${styleDim ? ' with a style code' : ''}: 6 steps straight = 3, resume, 3 (weights, metrics and the pools bit for bit)`, async () => {
  // A pool of 3 is full after the first batch of 4, so the resumed steps draw from it.
  const model = tiny({ poolSize: 3, styleDim });
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
  if (styleDim) assert.ok(w1.some(([n]) => n.startsWith('e_b.')), 'the encoder is saved');
});
}

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

test('genlab translate --seed: with a style code, a2b draws its codes from the seed (same seed, same figure)', { timeout: 300_000 }, () => {
  const MAIN = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
  const genlab = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', GENLAB_THREADS: '1' } });
  const dir = mkdtempSync(join(tmpdir(), 'genlab-cyc-style-'));
  const run = join(dir, 'run');
  const t = genlab('train', 'cyclegan', '--data-a', 'mnist', '--data-b', 'mnist-m', '--g-channels', '4', '--res-blocks', '1', '--d-channels', '4', '--style-dim', '2',
    '--steps', '2', '--batch', '2', '--sample-every', '0', '--checkpoint-every', '0', '--quiet', '--out', run);
  assert.equal(t.status, 0, t.stderr);
  const figure = (seed: string, name: string) => {
    const out = join(dir, name);
    const r = genlab('translate', run, '--direction', 'a2b', '--n', '4', '--seed', seed, '--out', out);
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(out);
  };
  const [s0, s0again, s1] = [figure('0', 'a.png'), figure('0', 'b.png'), figure('1', 'c.png')];
  assert.ok(s0.equals(s0again), 'same seed, same figure');
  assert.ok(!s0.equals(s1), 'another seed, other codes');
  const bad = genlab('translate', run, '--direction', 'a2b', '--seed', '-1', '--out', join(dir, 'd.png'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr.trim(), /--seed/);
});

test('folder sets at 64 px without train/ and test/: the run trains and writes both grids from the folders\' own images (exit 0)', { timeout: 300_000 }, async () => {
  const { default: sharp } = await import('sharp');
  const { mkdirSync, existsSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'genlab-cyc-folder-'));
  const rng = new Rng(3);
  for (const d of ['a', 'b']) {
    mkdirSync(join(dir, d));
    for (let i = 0; i < 4; i++) {
      const px = Buffer.from(rng.uniformArray(64 * 64 * 3).map((u) => Math.floor(255 * u)));
      await sharp(px, { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(join(dir, d, `${i}.png`));
    }
  }
  const MAIN = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
  const run = join(dir, 'run');
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'train', 'cyclegan', '--data-a', `folder:${join(dir, 'a')}`, '--data-b', `folder:${join(dir, 'b')}`,
    '--g-channels', '4', '--res-blocks', '1', '--steps', '2', '--batch', '2', '--out', run], { encoding: 'utf8', env: { ...process.env, CI: '1', GENLAB_THREADS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  for (const direction of ['a2b', 'b2a']) {
    const f = join(run, 'samples', `${direction}-step-0000002.png`);
    assert.ok(existsSync(f), f);
    const m = await sharp(f).metadata();
    assert.equal(m.width, 8 * 128 + 9 * 2, `${direction}: a row of 8 cells of 64 px at scale 2 (4 images)`);
  }
});
