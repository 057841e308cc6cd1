/**
 * The sampler surface restoration and guidance hook into (issue 12): predicting {x0, eps} from
 * the network output (predict.ts) is apart from stepping from them (ddpm_sampler.ts,
 * ddim_sampler.ts), and runSampler (sampling.ts) takes an optional correction of x0 per step.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { NoiseSchedule } from '../../../src/models/ddpm/noise_schedule.js';
import { predictX0Eps, type PredictOptions, type Predictor } from '../../../src/models/ddpm/predict.js';
import { DdpmSampler } from '../../../src/models/ddpm/ddpm_sampler.js';
import { DdimSampler } from '../../../src/models/ddpm/ddim_sampler.js';
import type { Sampler } from '../../../src/models/ddpm/sampler.js';
import { runSampler, type CorrectX0 } from '../../../src/models/ddpm/sampling.js';
import { DdpmModel, type DdpmConfig } from '../../../src/models/ddpm/model.js';
import { interpolateDiffusion } from '../../../src/models/ddpm/interpolate.js';
import { Rng } from '../../../src/util/rng.js';

before(async () => {
  await tf.setBackend('cpu');
});

const schedule = NoiseSchedule.fromConfig({ kind: 'cosine', steps: 100 });
const SHAPE = [3, 4, 4, 1]; // [B, H, W, C]
const SIZE = SHAPE.reduce((a, c) => a * c, 1);

/**
 * A fixed nonlinear stand-in for the network, read as `opts.prediction`: out = 0.8 tanh(x_t) +
 * 0.3 mean_{H,W}(x_t) + 0.05 cos(t). The mean couples the pixels, as a U-Net's receptive field does.
 */
function toyPredictor(opts: PredictOptions): Predictor {
  return (xt, t) => tf.tidy(() => {
    const out = tf.add(tf.add(tf.mul(tf.tanh(xt), 0.8), tf.mul(tf.mean(xt, [1, 2], true), 0.3)), 0.05 * Math.cos(t)); // [B, H, W, C]
    return predictX0Eps(schedule, opts, xt, out, t);
  });
}

function samplers(): [string, Sampler][] {
  return [
    ['ddpm beta_tilde', new DdpmSampler(schedule, { variance: 'beta_tilde' })],
    ['ddpm beta', new DdpmSampler(schedule, { variance: 'beta' })],
    ['ddim 10 eta 0', new DdimSampler(schedule, { steps: 10, eta: 0, spacing: 'trailing' })],
    ['ddim 10 eta 0.7', new DdimSampler(schedule, { steps: 10, eta: 0.7, spacing: 'leading' })],
  ];
}

/** Runs a sampler from the noise of `seed` (x_T and the step noise from one stream). */
function sample(sampler: Sampler, predict: Predictor, seed: number, correctX0?: CorrectX0): Float32Array {
  const rng = new Rng(seed);
  const xT = tf.tensor(rng.normalArray(SIZE), SHAPE); // [B, H, W, C]
  const x = runSampler(sampler, predict, xT, rng, { correctX0 });
  const out = x.dataSync() as Float32Array;
  tf.dispose([xT, x]);
  return out;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test('predictX0Eps inverts each parameterisation: x_t = sqrt(abar) x0 + sqrt(1-abar) eps, v = sqrt(abar) eps - sqrt(1-abar) x0', () => {
  const rng = new Rng(11);
  const x0v = rng.normalArray(SIZE, 0, 1.5); // beyond [-1, 1] in places, for the clip
  const epsv = rng.normalArray(SIZE);
  for (const t of [0, 7, 50, 93]) {
    const a = schedule.alphaBar[t];
    const [sa, sb] = [Math.sqrt(a), Math.sqrt(1 - a)];
    // The closed forms by hand in float64, then stored as float32.
    const xtv = x0v.map((x, i) => sa * x + sb * epsv[i]);
    const vv = x0v.map((x, i) => sa * epsv[i] - sb * x);
    const xt = tf.tensor(xtv, SHAPE);
    const outputs = { eps: tf.tensor(epsv, SHAPE), x0: tf.tensor(x0v, SHAPE), v: tf.tensor(vv, SHAPE) };
    for (const prediction of ['eps', 'x0', 'v'] as const) {
      const r = predictX0Eps(schedule, { prediction, clipX0: false }, xt, outputs[prediction], t);
      // Float32 rounding of x_t is amplified by 1/sqrt(abar) (eps) or 1/sqrt(1 - abar) (x0).
      const tol = 2e-6 / Math.min(sa, sb);
      assert.ok(maxAbs(r.x0.dataSync(), x0v) < tol, `${prediction} t=${t}: x0 off by ${maxAbs(r.x0.dataSync(), x0v)}`);
      assert.ok(maxAbs(r.eps.dataSync(), epsv) < tol, `${prediction} t=${t}: eps off by ${maxAbs(r.eps.dataSync(), epsv)}`);
      // With the clip: x0 = clip(x0, -1, 1) and eps = (x_t - sqrt(abar) x0) / sqrt(1 - abar), still on the line with x_t.
      const c = predictX0Eps(schedule, { prediction, clipX0: true }, xt, outputs[prediction], t);
      const x0c = c.x0.dataSync();
      const epsc = c.eps.dataSync();
      assert.ok(maxAbs(x0c, x0v.map((x) => Math.min(1, Math.max(-1, x)))) < tol, `${prediction} t=${t}: clipped x0`);
      for (let i = 0; i < SIZE; i++) {
        const back = sa * x0c[i] + sb * epsc[i];
        assert.ok(Math.abs(back - xtv[i]) < 1e-5, `${prediction} t=${t}: x_t from the clipped pair, ${back} vs ${xtv[i]}`);
      }
      tf.dispose([r.x0, r.eps, c.x0, c.eps]);
    }
    tf.dispose([xt, outputs.eps, outputs.x0, outputs.v]);
  }
});

test('a correction that returns x0 unchanged gives exactly the samples of the hook-free loop', () => {
  for (const [name, sampler] of samplers()) {
    for (const opts of [{ prediction: 'eps', clipX0: false }, { prediction: 'eps', clipX0: true }, { prediction: 'v', clipX0: true }] as const) {
      const predict = toyPredictor(opts);
      const plain = sample(sampler, predict, 5);
      const hooked = sample(sampler, predict, 5, (x0) => x0);
      assert.deepEqual(Array.from(hooked), Array.from(plain), `${name}, ${opts.prediction}, clip ${opts.clipX0}`);
    }
  }
});

/**
 * The DDNM / inpainting projection x0' = m y + (1 - m) x0 (m = 1 on known pixels). Why the final
 * sample then equals y on the known pixels exactly under DDIM: the last DDIM step has
 * abar_prev = 1, so sigma = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev) = 0
 * and the direction coefficient sqrt(1 - abar_prev - sigma^2) = 0: x_0 = sqrt(1) x0' + 0 eps' = x0'.
 * With m = 1, x0' = 1 * y + 0 * x0 = y with no rounding at all. eta = 0 also makes every earlier
 * step deterministic, so the check does not lean on the noise stream; that the last sigma is 0
 * for any eta is checked alongside (eta = 0.7). DDPM's last step is the posterior mean at t = 0,
 * whose coefficients (1 for x0', 0 for x_1) are rounded float32 numbers: equal to float tolerance.
 */
test('projecting x0 onto known pixels: final DDIM eta=0 samples equal y there exactly, DDPM to float tolerance', () => {
  const rng = new Rng(21);
  const y = tf.tensor(rng.uniformArray(SIZE, -1, 1), SHAPE); // [B, H, W, C] known image in [-1, 1]
  const mv = Float32Array.from({ length: SIZE }, (_, i) => (i % 16 < 8 ? 1 : 0)); // top half of each 4x4 image known
  const m = tf.tensor(mv, SHAPE);
  const project: CorrectX0 = (x0) => tf.add(tf.mul(m, y), tf.mul(tf.sub(1, m), x0)); // x0' = m y + (1 - m) x0
  const yv = y.dataSync();
  for (const [name, sampler] of samplers()) {
    for (const opts of [{ prediction: 'eps', clipX0: true }, { prediction: 'x0', clipX0: false }] as const) {
      const out = sample(sampler, toyPredictor(opts), 9, project);
      const plain = sample(sampler, toyPredictor(opts), 9);
      let known = 0;
      let unknownMoved = 0;
      for (let i = 0; i < SIZE; i++) {
        if (mv[i] === 1) {
          known = Math.max(known, Math.abs(out[i] - yv[i]));
          if (name.startsWith('ddim')) assert.equal(out[i], yv[i], `${name} ${opts.prediction}: pixel ${i} is ${out[i]}, y is ${yv[i]}`);
        } else if (Math.abs(out[i] - plain[i]) > 1e-4) unknownMoved++;
      }
      assert.ok(known < 1e-6, `${name} ${opts.prediction}: known pixels off by ${known}`);
      // The constraint reaches the unknown pixels too (through the network), not only the known ones.
      assert.ok(unknownMoved > 0, `${name} ${opts.prediction}: the unknown pixels did not move`);
    }
  }
  tf.dispose([y, m]);
});

test('the corrected pair stays on the line with x_t, and a correction is the step of a network that predicted x0 itself', () => {
  const halve: CorrectX0 = (x0) => tf.mul(x0, 0.5);
  const inner = new DdimSampler(schedule, { steps: 10, eta: 0, spacing: 'trailing' });
  let checked = 0;
  const spy: Sampler = {
    schedule,
    timesteps: inner.timesteps,
    step(pred, t, xt, noise) {
      // eps' = (x_t - sqrt(abar_t) x0') / sqrt(1 - abar_t)  <=>  x_t = sqrt(abar_t) x0' + sqrt(1 - abar_t) eps'
      const a = schedule.alphaBar[t];
      const back = tf.tidy(() => tf.add(tf.mul(pred.x0, Math.sqrt(a)), tf.mul(pred.eps, Math.sqrt(1 - a))));
      const scale = Math.max(1, ...Array.from(xt.dataSync(), Math.abs), ...Array.from(pred.x0.dataSync(), (v) => Math.abs(v) * Math.sqrt(a)));
      assert.ok(maxAbs(back.dataSync(), xt.dataSync()) < 1e-6 * scale, `t=${t}: off by ${maxAbs(back.dataSync(), xt.dataSync())} at scale ${scale}`);
      back.dispose();
      checked++;
      return inner.step(pred, t, xt, noise);
    },
  };
  const eps = toyPredictor({ prediction: 'eps', clipX0: false });
  const corrected = sample(spy, eps, 13, halve);
  assert.equal(checked, 10);
  // The same corrected x0, handed to the sampler as an x0-prediction network's output.
  const asX0Net: Predictor = (xt, t) => tf.tidy(() => {
    const { x0 } = eps(xt, t);
    return predictX0Eps(schedule, { prediction: 'x0', clipX0: false }, xt, tf.mul(x0, 0.5), t);
  });
  const direct = sample(inner, asX0Net, 13);
  assert.ok(maxAbs(corrected, direct) < 1e-4, `off by ${maxAbs(corrected, direct)}`);
});

test('tf.memory().numTensors stays flat over a sampling run with a correction', () => {
  const y = tf.zeros(SHAPE);
  const m = tf.tensor(Float32Array.from({ length: SIZE }, (_, i) => i % 2), SHAPE);
  const project: CorrectX0 = (x0) => tf.add(tf.mul(m, y), tf.mul(tf.sub(1, m), x0));
  for (const [name, sampler] of samplers()) {
    const rng = new Rng(3);
    const xT = tf.tensor(rng.normalArray(SIZE), SHAPE);
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    const x = runSampler(sampler, toyPredictor({ prediction: 'eps', clipX0: true }), xT, rng, {
      correctX0: project,
      onStep: () => counts.push(tf.memory().numTensors),
    });
    assert.equal(counts.length, sampler.timesteps.length);
    // At each step: x_t, the next x and the x0 shown to onStep, nothing else.
    assert.ok(counts.every((c) => c === start + 3), `${name}: ${[...new Set(counts)].join(', ')} tensors vs ${start + 3}`);
    assert.equal(tf.memory().numTensors, start + 1, `${name}: only the result is left`);
    tf.dispose([x, xT]);
  }
  tf.dispose([y, m]);
});

test('DdpmModel.sampleWith and interpolateDiffusion pass the correction through', () => {
  const base: Omit<DdpmConfig, 'network'> = {
    schedule: { kind: 'linear', steps: 20, betaStart: 1e-3, betaEnd: 0.2 },
    prediction: 'eps',
    variance: 'beta_tilde',
    clipX0: false,
    sampler: { kind: 'ddim', steps: 5, eta: 0, spacing: 'trailing' },
  };
  // Points: fix the first coordinate at 0.3.
  const points = new DdpmModel({ ...base, network: { kind: 'mlp', mlp: { dim: 2, hidden: 16, layers: 2, timeEmbedding: 8 } } }, { kind: 'points', shape: [2], numClasses: null }, new Rng(1));
  const mask = tf.tensor2d([[1, 0]]); // [1, 2], broadcast over the batch
  const fix: CorrectX0 = (x0) => tf.add(tf.mul(mask, 0.3), tf.mul(tf.sub(1, mask), x0));
  const a = points.sampleWith(8, new Rng(2), base.sampler, undefined, fix);
  const b = points.sampleWith(8, new Rng(2), base.sampler, undefined, (x0) => x0);
  const c = points.sampleWith(8, new Rng(2), base.sampler);
  const av = a.dataSync();
  for (let i = 0; i < 8; i++) assert.equal(av[2 * i], Math.fround(0.3));
  assert.deepEqual(Array.from(b.dataSync()), Array.from(c.dataSync()));
  tf.dispose([a, b, c, mask]);
  points.dispose();
  // Images (a tiny U-Net on 8x8): the strip's known pixels come out as y, mapped to [0, 1].
  const images = new DdpmModel(
    { ...base, clipX0: true, sampler: { kind: 'ddpm', steps: 20, eta: 1, spacing: 'leading' }, network: { kind: 'unet', unet: { channels: 1, baseChannels: 8, channelMult: [1], blocksPerLevel: 1, attentionResolutions: [], dropout: 0, groups: 4 } } },
    { kind: 'images', shape: [8, 8, 1], numClasses: null },
    new Rng(3),
  );
  const rng = new Rng(4);
  const x1 = tf.tensor(rng.uniformArray(64, -1, 1), [1, 8, 8, 1]);
  const x2 = tf.tensor(rng.uniformArray(64, -1, 1), [1, 8, 8, 1]);
  const y = tf.fill([1, 8, 8, 1], 0.5);
  const top = tf.tensor(Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? 1 : 0)), [1, 8, 8, 1]);
  const keepTop: CorrectX0 = (x0) => tf.add(tf.mul(top, y), tf.mul(tf.sub(1, top), x0)); // [steps, 8, 8, 1] by broadcasting
  const strip = interpolateDiffusion(images, x1, x2, 6, 3, 'slerp', new Rng(5), keepTop); // [3, 8, 8, 1] in [0, 1]
  const sv = strip.dataSync();
  assert.deepEqual(strip.shape, [3, 8, 8, 1]);
  for (let k = 0; k < 3; k++) for (let i = 0; i < 32; i++) assert.ok(Math.abs(sv[k * 64 + i] - 0.75) < 1e-6, `strip ${k} pixel ${i}: ${sv[k * 64 + i]}`);
  tf.dispose([x1, x2, y, top, strip]);
  images.dispose();
});
