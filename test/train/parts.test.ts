/** Optimiser, schedule, EMA, clipping and config validation, each against a hand computation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { Adam, RmsProp, Sgd, adamStep } from '../../src/train/optimizers.js';
import { learningRate } from '../../src/train/schedule.js';
import { emaDecay, Ema } from '../../src/train/ema.js';
import { clipByGlobalNorm } from '../../src/train/clip.js';
import { validateTraining, DEFAULT_TRAINING, deepMerge } from '../../src/train/config.js';
import { UserError } from '../../src/util/errors.js';

await initBackend({ backend: 'cpu' });

test('Adam: two steps match the bias-corrected update by hand', () => {
  const p = tf.variable(tf.tensor([1.0, -2.0]));
  const opt = new Adam({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  const g1 = [0.5, -1.0];
  const g2 = [0.2, 0.3];
  let m = [0, 0];
  let v = [0, 0];
  const expected = [1.0, -2.0];
  [g1, g2].forEach((g, k) => {
    const t = k + 1;
    m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]);
    v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i] * g[i]);
    for (let i = 0; i < 2; i++) expected[i] -= (0.1 * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    const gt = tf.tensor(g);
    opt.apply([p], [gt], 0.1);
    gt.dispose();
  });
  const got = p.dataSync();
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(got[i] - expected[i]) < 1e-6, `p[${i}] ${got[i]} vs ${expected[i]}`);
  opt.dispose();
  p.dispose();
});

test('RMSprop and SGD with momentum follow the PyTorch rules', () => {
  const p = tf.variable(tf.tensor([1.0]));
  const r = new RmsProp({ kind: 'rmsprop', lr: 0.01, beta2: 0.9, eps: 1e-8 });
  const g = tf.tensor([2.0]);
  r.apply([p], [g], 0.01);
  // v = 0.1 * 4 = 0.4; p = 1 - 0.01 * 2 / sqrt(0.4)
  assert.ok(Math.abs(p.dataSync()[0] - (1 - (0.01 * 2) / Math.sqrt(0.4))) < 1e-6);
  const q = tf.variable(tf.tensor([0.0]));
  const s = new Sgd({ kind: 'sgd', lr: 0.1, beta1: 0.5 });
  s.apply([q], [g], 0.1); // b = 2, q = -0.2
  s.apply([q], [g], 0.1); // b = 0.5*2 + 2 = 3, q = -0.5
  assert.ok(Math.abs(q.dataSync()[0] + 0.5) < 1e-6);
  tf.dispose([p, q, g]);
  r.dispose();
  s.dispose();
});

test('learning-rate schedule: warm-up, then cosine to the floor', () => {
  const s = { warmupSteps: 10, decay: 'cosine' as const, minRatio: 0.1 };
  assert.equal(learningRate(0, 110, 1, s), 0.1);
  assert.equal(learningRate(9, 110, 1, s), 1);
  assert.ok(Math.abs(learningRate(60, 110, 1, s) - (0.1 + 0.9 * 0.5)) < 1e-12);
  assert.ok(Math.abs(learningRate(110, 110, 1, s) - 0.1) < 1e-12);
  assert.equal(learningRate(50, 110, 1, { warmupSteps: 0, decay: 'linear', minRatio: 0 }), 1 - 50 / 110);
});

test('learning-rate schedule: a hold at the peak, then linear to 0 (CycleGAN: half the run)', () => {
  const s = { warmupSteps: 0, decay: 'linear' as const, minRatio: 0, holdFraction: 0.5 };
  // 200 steps: steps 0..99 at the peak, then lr(100 + j) = 1 - j / 100 down to 0 at step 200.
  assert.equal(learningRate(0, 200, 2e-4, s), 2e-4);
  assert.equal(learningRate(99, 200, 2e-4, s), 2e-4);
  assert.equal(learningRate(100, 200, 1, s), 1);
  assert.ok(Math.abs(learningRate(150, 200, 1, s) - 0.5) < 1e-12);
  assert.equal(learningRate(200, 200, 1, s), 0);
  // With a warm-up the hold is a share of the steps after it: 10 + 0.5 * 100 = 60.
  const w = { warmupSteps: 10, decay: 'cosine' as const, minRatio: 0, holdFraction: 0.5 };
  assert.equal(learningRate(59, 110, 1, w), 1);
  assert.ok(Math.abs(learningRate(85, 110, 1, w) - 0.5) < 1e-12);
  // Absent (a run saved before the field existed) is no hold.
  assert.equal(learningRate(50, 110, 1, { warmupSteps: 0, decay: 'linear', minRatio: 0 }), learningRate(50, 110, 1, { warmupSteps: 0, decay: 'linear', minRatio: 0, holdFraction: 0 }));
});

test('a decay with a floor of 1 x the peak is refused; every family default schedule decays to 0 when asked', async () => {
  const bad = deepMerge(DEFAULT_TRAINING, { schedule: { warmupSteps: 0, decay: 'linear', minRatio: 1 } });
  assert.throws(() => validateTraining(bad, 'config'), (e: Error) => e instanceof UserError && e.message === "config: training.schedule.decay is 'linear' but training.schedule.minRatio is 1, so the rate never falls; give --lr-min below 1 (0 decays to zero)");
  validateTraining(deepMerge(DEFAULT_TRAINING, { schedule: { warmupSteps: 0, decay: 'constant', minRatio: 1 } }), 'config'); // constant: the floor is unused
  // The GAN and DDPM families' defaults once carried minRatio 1, so --lr-decay linear was constant.
  const images = { kind: 'images' as const, shape: [28, 28, 1], numClasses: 10 };
  const { defaultTraining: gan } = await import('../../src/models/gan/config.js');
  const { defaultTraining: ddpm } = await import('../../src/models/ddpm/config.js');
  for (const [name, d] of [['gan', gan('ns', images)], ['ddpm', ddpm(images)], ['ddpm points', ddpm({ kind: 'points', shape: [2], numClasses: 0 })]] as const) {
    const schedule = { ...d.schedule!, decay: 'linear' as const, holdFraction: 0.5 };
    assert.equal(learningRate(1000, 1000, 2e-4, schedule), 0, `${name}: --lr-decay linear reaches 0 at the last step`);
    const late = learningRate(900, 1000, 1, schedule); // 0.2-0.25 of the peak, by each family's warm-up
    assert.ok(late > 0.15 && late < 0.3, `${name}: late in the decay, ${late}`);
  }
});

test('EMA: warm-up decay, update rule, and swapping weights in and back', () => {
  assert.equal(emaDecay(0.999, 0), 0.1);
  assert.equal(emaDecay(0.9, 1000), 0.9);
  const p = tf.variable(tf.tensor([0.0]));
  const ema = new Ema(0.5, [['p', p]]);
  p.assign(tf.tensor([4.0]));
  ema.update(1000); // d = 0.5: shadow = 0.5 * 0 + 0.5 * 4
  assert.equal(ema.shadow.get('p')!.dataSync()[0], 2);
  const inside = ema.withShadow(() => p.dataSync()[0]);
  assert.equal(inside, 2);
  assert.equal(p.dataSync()[0], 4);
  ema.dispose();
  p.dispose();
});

test('global-norm clipping scales all gradients together', () => {
  const { grads, norm } = clipByGlobalNorm([tf.tensor([3.0]), tf.tensor([4.0])], 1);
  assert.ok(Math.abs(norm - 5) < 1e-6);
  assert.ok(Math.abs(grads[0].dataSync()[0] - 0.6) < 1e-5 && Math.abs(grads[1].dataSync()[0] - 0.8) < 1e-5);
  tf.dispose(grads);
});

test('config validation names the key and the problem', () => {
  const bad = (over: Record<string, unknown>, re: RegExp) =>
    assert.throws(() => validateTraining(deepMerge(DEFAULT_TRAINING, over), 'config.json'), (e: Error) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));
  bad({ batch: -3 }, /config.json: training.batch must be a positive integer, got -3/);
  bad({ steps: NaN }, /training.steps must be a positive integer/);
  bad({ lerning_rate: 1 }, /training.lerning_rate is not a known key/);
  bad({ optimizers: { model: { kind: 'adam', lr: 'fast' } } }, /training.optimizers.model.lr must be a positive number/);
  bad({ ema: { decay: 1.5 } }, /training.ema must be null or/);
  validateTraining(DEFAULT_TRAINING, 'defaults');
});

test('optimiser state restores exactly: a reloaded Adam / RMSprop / SGD takes the same next step', () => {
  for (const cfg of [{ kind: 'adam' as const, lr: 0.05 }, { kind: 'rmsprop' as const, lr: 0.05, beta2: 0.9 }, { kind: 'sgd' as const, lr: 0.05, beta1: 0.9 }]) {
    const make = () => (cfg.kind === 'adam' ? new Adam(cfg) : cfg.kind === 'rmsprop' ? new RmsProp(cfg) : new Sgd(cfg));
    const p = tf.variable(tf.tensor([1.0, -0.5, 2.0]));
    const g = [tf.tensor([0.3, -0.2, 0.9]), tf.tensor([-0.1, 0.4, 0.2]), tf.tensor([0.5, 0.5, -0.7])];
    const a = make();
    a.apply([p], [g[0]], 0.05);
    a.apply([p], [g[1]], 0.05);
    const saved = a.state();
    const slots = new Map(saved.slots.map(([k, v]) => [k, tf.clone(v)] as [string, tf.Tensor]));
    const q = tf.variable(tf.clone(p));
    const b = make();
    b.load({ step: saved.step, slots }, [q]);
    a.apply([p], [g[2]], 0.05);
    b.apply([q], [g[2]], 0.05);
    assert.deepEqual(Array.from(q.dataSync()), Array.from(p.dataSync()), cfg.kind);
    tf.dispose([p, q, ...g, ...slots.values()]);
    a.dispose();
    b.dispose();
  }
});

test('fused Adam kernel equals the tfjs-op composite on cpu and wasm, and frees what it replaces', async () => {
  const n = 1037;
  const rand = (seed: number, scale: number) => tf.randomNormal([n], 0, scale, 'float32', seed);
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend({ backend });
    const before = tf.memory().numTensors;
    let p = rand(1, 1);
    let m = tf.zeros([n]);
    let v = tf.zeros([n]);
    let [pc, mc, vc] = [p.clone(), m.clone(), v.clone()];
    for (let t = 1; t <= 5; t++) {
      const g = rand(10 + t, 10 ** (t - 3)); // gradient scales 1e-2 .. 1e2
      const s = { lr: 1e-3, beta1: 0.5, beta2: 0.999, eps: 1e-8, c1: 1 - 0.5 ** t, c2: 1 - 0.999 ** t };
      const fused = adamStep(p, g, m, v, s, true);
      const composite = adamStep(pc, g, mc, vc, s, false);
      tf.dispose([p, m, v, pc, mc, vc, g]);
      [p, m, v] = fused;
      [pc, mc, vc] = composite;
    }
    for (const [a, b, name] of [[p, pc, 'p'], [m, mc, 'm'], [v, vc, 'v']] as const) {
      const err = tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), 1e-6))).dataSync()[0]);
      assert.ok(err < 1e-5, `${backend} ${name}: relative error ${err}`);
    }
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(p, rand(1, 1)))).dataSync()[0]) > 1e-3, 'the parameters moved');
    tf.dispose([p, m, v, pc, mc, vc]);
    assert.equal(tf.memory().numTensors, before);
  }
  await initBackend({ backend: 'cpu' });
});
