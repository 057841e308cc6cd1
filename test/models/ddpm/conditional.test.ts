/**
 * Class-conditional DDPM: classifier-free guidance combines one pass over [x; x] as
 * (1 + w) net(x, t, c) - w net(x, t, no class); label dropout and min-SNR weights enter the
 * training loss; an unconditional network draws the same weights as before conditioning existed.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DdpmModel, type DdpmConfig } from '../../../src/models/ddpm/model.js';
import { ddpmFamily } from '../../../src/models/ddpm/family.js';
import { predictX0Eps } from '../../../src/models/ddpm/predict.js';
import { UNet } from '../../../src/models/ddpm/unet.js';
import type { Batch, DataShape, StepContext } from '../../../src/train/types.js';
import { Rng } from '../../../src/util/rng.js';
import { UserError } from '../../../src/util/errors.js';

before(async () => {
  await tf.setBackend('cpu');
});

const data: DataShape = { kind: 'images', shape: [8, 8, 1], numClasses: 3 };

function config(over: Partial<DdpmConfig> = {}): DdpmConfig {
  const c = ddpmFamily.defaults(data, 'test').model as DdpmConfig;
  if (c.network.kind === 'unet') Object.assign(c.network.unet, { baseChannels: 8, channelMult: [1, 2], groups: 4, attentionResolutions: [], dropout: 0 });
  c.schedule.steps = 50;
  c.sampler.steps = 5;
  return { ...c, ...over };
}

/** A StepContext that evaluates the loss once (no update) and reports it. */
function lossOnly(seed: number): StepContext & { loss: number } {
  const ctx = {
    step: 0,
    rng: new Rng(seed),
    loss: NaN,
    optimize(_g: string, lossFn: () => tf.Scalar) {
      ctx.loss = tf.tidy(() => lossFn().dataSync()[0]);
      return { loss: ctx.loss, gradNorm: 0, aux: {} };
    },
  };
  return ctx as unknown as StepContext & { loss: number };
}

test('guidance: one pass over [x; x] gives (1 + w) out_c - w out_u', () => {
  const m = new DdpmModel(config({ condition: 'class' }), data, new Rng(1));
  const net = m.net as UNet;
  assert.ok(net.classEmb, 'a class embedding');
  const x = tf.tensor(new Rng(2).normalArray(4 * 64), [4, 8, 8, 1]);
  const labels = [0, 2, 1, 2];
  const w = 1.5;
  const t = 17;
  const ts = new Array(4).fill(t);
  const got = m.predictor({ labels, guidance: w })(x, t);
  const want = tf.tidy(() => {
    const outC = net.apply(x, ts, null, labels);
    const outU = net.apply(x, ts, null, new Array(4).fill(3)); // "no class" = numClasses
    return predictX0Eps(m.schedule, m.config, x, tf.sub(tf.mul(outC, 1 + w), tf.mul(outU, w)), t);
  });
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got.eps, want.eps))).dataSync()[0]);
  assert.ok(diff < 1e-5, `eps differs by ${diff}`);
  // w = 0 is the conditional model alone; the classes change the prediction.
  const plain = m.predictor({ labels, guidance: 0 })(x, t);
  const other = m.predictor({ labels: [1, 1, 1, 1], guidance: 0 })(x, t);
  const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(plain.eps, other.eps))).dataSync()[0]);
  assert.ok(moved > 1e-4, `labels change the output (${moved})`);
  assert.throws(() => m.predictor({ labels: [3, 0, 0, 0], guidance: 1 }), (e: unknown) => e instanceof UserError && /classes 0\.\.2/.test(e.message));
  tf.dispose([x, got.x0, got.eps, want.x0, want.eps, plain.x0, plain.eps, other.x0, other.eps]);
  m.dispose();
});

test('an unconditional U-Net draws the same weights as before (no class embedding, same stream)', () => {
  const cfg = config().network;
  if (cfg.kind !== 'unet') throw new Error('unet');
  const a = new UNet(new Rng(3), cfg.unet, 8);
  const b = new UNet(new Rng(3), cfg.unet, 8, 0);
  assert.equal(a.classEmb, null);
  const wa = a.namedVariables();
  const wb = b.namedVariables();
  assert.deepEqual(wa.map(([n]) => n), wb.map(([n]) => n));
  for (let i = 0; i < wa.length; i++) assert.deepEqual(Array.from(wa[i][1].dataSync()), Array.from(wb[i][1].dataSync()));
  a.dispose();
  b.dispose();
});

test('training: labels required, dropped to "no class" at the given share; min-snr with huge gamma is the simple loss', () => {
  const x = tf.tensor(new Rng(4).uniformArray(6 * 64).map((v) => 2 * v - 1), [6, 8, 8, 1]);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
  const cond = new DdpmModel(config({ condition: 'class', labelDropout: 0.5 }), data, new Rng(5));
  assert.throws(() => cond.trainStep({ x } as Batch, lossOnly(0)), (e: unknown) => e instanceof UserError && /needs labels/.test(e.message));
  const ctx = lossOnly(0);
  cond.trainStep({ x, y }, ctx);
  assert.ok(Number.isFinite(ctx.loss));
  // With labelDropout 0 and 1 the losses differ from each other (labels do reach the network).
  const keepAll = new DdpmModel(config({ condition: 'class', labelDropout: 0 }), data, new Rng(5));
  const dropAll = new DdpmModel(config({ condition: 'class', labelDropout: 0.999999 }), data, new Rng(5));
  const [l0, l1] = [keepAll, dropAll].map((m) => {
    const c = lossOnly(7);
    m.trainStep({ x, y }, c);
    return c.loss;
  });
  assert.notEqual(l0, l1);
  // eps prediction: min-snr's weight min(SNR, gamma) / SNR is 1 for gamma above every SNR.
  const simple = new DdpmModel(config({ prediction: 'eps' }), data, new Rng(6));
  const weighted = new DdpmModel(config({ prediction: 'eps', lossWeight: 'min-snr', snrGamma: 1e12 }), data, new Rng(6));
  const [a, b] = [simple, weighted].map((m) => {
    const c = lossOnly(9);
    m.trainStep({ x, y }, c);
    return c.loss;
  });
  assert.ok(Math.abs(a - b) < 1e-6 * Math.abs(a), `simple ${a} vs min-snr(gamma huge) ${b}`);
  const strong = new DdpmModel(config({ prediction: 'eps', lossWeight: 'min-snr', snrGamma: 1 }), data, new Rng(6));
  const c = lossOnly(9);
  strong.trainStep({ x, y }, c);
  assert.ok(c.loss < a, `gamma 1 down-weights low-noise steps: ${c.loss} < ${a}`);
  for (const m of [cond, keepAll, dropAll, simple, weighted, strong]) m.dispose();
  tf.dispose([x, y]);
});

test('sample() of a conditional model: classes in turn (sampleLabels) with weight sampleGuidance, as sampleWith gives', () => {
  const m = new DdpmModel(config({ condition: 'class' }), data, new Rng(4));
  assert.deepEqual(m.sampleLabels(7), [0, 1, 2, 0, 1, 2, 0]);
  m.sampleGuidance = 2;
  const got = m.sample(5, new Rng(9));
  const want = m.sampleWith(5, new Rng(9), m.config.sampler, undefined, undefined, { labels: [0, 1, 2, 0, 1], guidance: 2 });
  const unguided = m.sampleWith(5, new Rng(9), m.config.sampler, undefined, undefined, { labels: [0, 1, 2, 0, 1], guidance: 0 });
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]);
  const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(got, unguided))).dataSync()[0]);
  assert.equal(diff, 0);
  assert.ok(moved > 1e-4, `guidance changes the samples (${moved})`);
  const uncond = new DdpmModel(config(), data, new Rng(4));
  assert.equal(uncond.sampleLabels(3), null);
  tf.dispose([got, want, unguided]);
  m.dispose();
  uncond.dispose();
});
