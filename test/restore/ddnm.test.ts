/**
 * DDNM and DDNM+ (src/restore/ddnm.ts) on a fixed stand-in for the network:
 * noise-free results are consistent, max |A x_hat - y| at float tolerance, for every kind of
 * operator and with time travel; DDNM+ at sigma_y -> 0 is DDNM; Eq. 19's lambda_t and gamma_t;
 * the time-travel schedule is the documented one and the sampler visits it; with an operator
 * that measures nothing the correction is a no-op and DDNM is plain sampling with its step.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/util/rng.js';
import { NoiseSchedule } from '../../src/models/ddpm/noise_schedule.js';
import { predictX0Eps, type Predictor } from '../../src/models/ddpm/predict.js';
import { runSampler } from '../../src/models/ddpm/sampling.js';
import type { LinearOperator } from '../../src/restore/operators/operator.js';
import { measure, consistency } from '../../src/restore/operators/operator.js';
import { InpaintOperator } from '../../src/restore/operators/inpaint.js';
import { SuperResolutionOperator } from '../../src/restore/operators/super_resolution.js';
import { CompressedSensingOperator } from '../../src/restore/operators/compressed_sensing.js';
import { DeblurOperator } from '../../src/restore/operators/deblur.js';
import { DenoiseOperator } from '../../src/restore/operators/denoise.js';
import { ColorizeOperator } from '../../src/restore/operators/colorize.js';
import { ddnmRestore, ddnmCoefficients, timeTravelSchedule, ddnmEvaluations, DdnmSampler, DDNM_DEFAULTS, type DdnmConfig } from '../../src/restore/ddnm.js';
import { maxAbsDiff } from './helpers.js';

before(async () => {
  await tf.setBackend('cpu');
});

const schedule = NoiseSchedule.fromConfig({ kind: 'linear', steps: 200 });

/** A nonlinear eps-predicting stand-in with x0 clipped, like the image DDPMs: 0.8 tanh(x_t) + 0.3 mean(x_t) + 0.05 cos t. */
const toy: Predictor = (xt, t) => tf.tidy(() => {
  const out = tf.add(tf.add(tf.mul(tf.tanh(xt), 0.8), tf.mul(tf.mean(xt, [1, 2], true), 0.3)), 0.05 * Math.cos(t));
  return predictX0Eps(schedule, { prediction: 'eps', clipX0: true }, xt, out, t);
});

const config = (over: Partial<DdnmConfig> = {}): DdnmConfig => ({ ...DDNM_DEFAULTS, steps: 20, ...over });

function images(n: number, shape: number[], seed: number): tf.Tensor {
  return tf.tensor(new Rng(seed).uniformArray(n * shape.reduce((a, b) => a * b, 1)), [n, ...shape]); // [0, 1]
}

const ops: [string, () => LinearOperator][] = [
  ['inpaint box', () => InpaintOperator.fromSpec([8, 8, 1], { kind: 'box', size: 4 })],
  ['inpaint random 80%', () => InpaintOperator.fromSpec([8, 8, 1], { kind: 'random', missing: 0.8, seed: 1 })],
  ['sr 4x', () => new SuperResolutionOperator([8, 8, 1], 4)],
  ['cs 25%', () => new CompressedSensingOperator([8, 8, 1], 0.25, 2)],
  ['deblur', () => new DeblurOperator([8, 8, 1], 1)],
  ['colorize', () => new ColorizeOperator([8, 8, 3])],
];

for (const [name, make] of ops) {
  test(`DDNM noise-free: A x_hat = y (${name}), with and without time travel`, () => {
    const op = make();
    const x = images(3, op.imageShape, 4);
    const y = op.apply(x);
    for (const c of [config(), config({ travelLength: 3, travelRepeat: 2 })]) {
      const before = tf.memory().numTensors;
      const xhat = ddnmRestore({ predict: toy, schedule, op, y, config: c, rng: new Rng(0) });
      const r = tf.tidy(() => tf.sub(op.apply(xhat), y));
      const worst = maxAbsDiff(r.dataSync(), new Float32Array(r.size));
      assert.ok(worst < 2e-5, `${name}: max |A x_hat - y| = ${worst}`);
      assert.ok(Math.max(...consistency(op, xhat, y)) < 1e-4);
      // the null space is the prior's: x_hat is not just A+ y
      const apy = op.pinv(y);
      assert.ok(maxAbsDiff(xhat.dataSync(), apy.dataSync()) > 1e-2);
      tf.dispose([xhat, r, apy]);
      assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
    }
    tf.dispose([x, y]);
    op.dispose();
  });
}

test("Eq. 19: lambda_t = 1 and gamma_t^2 + (a_t sigma_y)^2 = sigma_t^2 while sigma_t >= a_t sigma_y, else gamma_t = 0", () => {
  const eta = 0.85;
  const early = ddnmCoefficients(0.3, eta, 0.4); // sigma_t = 0.85 sqrt(0.7) = 0.711 >= sqrt(0.3) 0.4 = 0.219
  assert.equal(early.lambda, 1);
  assert.ok(Math.abs(early.gamma ** 2 + (early.aPrev * 0.4) ** 2 - early.c1 ** 2) < 1e-12);
  const late = ddnmCoefficients(0.99, eta, 0.4); // sigma_t = 0.085 < 0.398
  assert.equal(late.gamma, 0);
  assert.ok(Math.abs(late.lambda - late.c1 / (late.aPrev * 0.4)) < 1e-12);
  const free = ddnmCoefficients(0.5, eta, 0);
  assert.equal(free.lambda, 1);
  assert.equal(free.gamma, free.c1);
  assert.ok(Math.abs(free.c1 ** 2 + free.c2 ** 2 - 0.5) < 1e-12); // c1^2 + c2^2 = 1 - abar_prev
  const last = ddnmCoefficients(1, eta, 0.4); // after the last step: x_prev = x0_hat
  assert.deepEqual([last.aPrev, last.c1, last.c2], [1, 0, 0]);
});

test('DDNM+ at sigma_y = 0 is DDNM; as sigma_y -> 0 only its last step differs (Eq. 19: lambda = 0 where sigma_t = 0)', () => {
  const op = new SuperResolutionOperator([8, 8, 1], 2);
  const x = images(2, op.imageShape, 5);
  const y = op.apply(x);
  const travel = { travelLength: 2, travelRepeat: 2 };
  const a = ddnmRestore({ predict: toy, schedule, op, y, config: config(travel), rng: new Rng(3) });
  const b = ddnmRestore({ predict: toy, schedule, op, y, config: config({ ...travel, sigmaY: 0 }), rng: new Rng(3) });
  assert.deepEqual(a.dataSync(), b.dataSync());
  // sigma_y = 1e-4: every step but the last has lambda_t = 1 and gamma_t = sigma_t to 1e-5 (the
  // range-space noise path runs, gamma_t != sigma_t in float); the last, with sigma_t = 0, has
  // lambda_t = 0: the result is the network's x0 there, within a small step of DDNM's.
  const plus = new DdnmSampler(schedule, op, config({ ...travel, sigmaY: 1e-4 }));
  const ts = plus.timesteps;
  for (const t of ts.slice(0, -1)) {
    const k = plus.coefficients(t);
    assert.equal(k.lambda, 1);
    assert.ok(Math.abs(k.gamma - k.c1) < 1e-5);
  }
  assert.ok(ts.slice(0, -1).some((t) => plus.coefficients(t).gamma !== plus.coefficients(t).c1));
  assert.equal(plus.coefficients(ts[ts.length - 1]).lambda, 0);
  const c = ddnmRestore({ predict: toy, schedule, op, y, config: config({ ...travel, sigmaY: 1e-4 }), rng: new Rng(3) });
  assert.ok(maxAbsDiff(a.dataSync(), c.dataSync()) < 2e-2, `DDNM+ (sigma_y 1e-4) vs DDNM: ${maxAbsDiff(a.dataSync(), c.dataSync())}`);
  tf.dispose([x, y, a, b, c]);
});

test('DDNM+ denoises: under an exact Gaussian prior it lands nearer x than DDNM, which returns y itself (A = I)', () => {
  // Prior x' ~ N(0, s^2 I) in [-1, 1] (x = (x' + 1) / 2); its exact denoiser at t:
  //   E[x0 | x_t] = sqrt(abar) s^2 / (abar s^2 + 1 - abar) x_t.
  const s = 0.3;
  const gauss: Predictor = (xt, t) => tf.tidy(() => {
    const a = schedule.alphaBar[t];
    const x0 = tf.mul(xt, (Math.sqrt(a) * s * s) / (a * s * s + 1 - a));
    return { x0, eps: tf.div(tf.sub(xt, tf.mul(x0, Math.sqrt(a))), Math.sqrt(1 - a)) };
  });
  const op = new DenoiseOperator([8, 8, 1], 0.2);
  const x = tf.tidy(() => tf.add(tf.mul(tf.tensor(new Rng(8).normalArray(8 * 64), [8, 8, 8, 1]), s / 2), 0.5)); // [0, 1] units
  const y = measure(op, x, 0.2, new Rng(1));
  const plain = ddnmRestore({ predict: gauss, schedule, op, y, config: config(), rng: new Rng(0) });
  const plus = ddnmRestore({ predict: gauss, schedule, op, y, config: config({ sigmaY: 0.2 }), rng: new Rng(0) });
  const err = (t: tf.Tensor) => tf.tidy(() => tf.mean(tf.square(tf.sub(t, x))).dataSync()[0]);
  assert.ok(maxAbsDiff(plain.dataSync(), y.dataSync()) < 1e-5, 'noise-free DDNM with A = I returns y');
  // In [0, 1] units the posterior mean's error is MMSE = (s/2)^2 0.2^2 / ((s/2)^2 + 0.2^2) = 0.0144,
  // a posterior sample's 2 MMSE = 0.0288 (y's: 0.04). DDNM+ samples: between the two bounds.
  assert.ok(err(plus) > 0.0144 && err(plus) < 2.5 * 0.0144 && err(plus) < 0.8 * err(plain), `DDNM+ mse ${err(plus)} vs DDNM ${err(plain)}`);
  tf.dispose([x, y, plain, plus]);
});

test('the time-travel schedule: the documented example, one-index moves, every travel point revisited r - 1 times', () => {
  assert.deepEqual(timeTravelSchedule(6, 2, 2), [5, 4, 3, 2, 3, 4, 3, 2, 1, 0, 1, 2, 1, 0, -1]);
  assert.deepEqual(timeTravelSchedule(4, 1, 1), [3, 2, 1, 0, -1]); // r = 1: no travel
  for (const [s, l, r] of [[10, 3, 2], [20, 5, 3], [7, 1, 4], [5, 10, 3]]) {
    const p = timeTravelSchedule(s, l, r);
    assert.equal(p[0], s - 1);
    assert.equal(p[p.length - 1], -1);
    for (let k = 1; k < p.length; k++) assert.equal(Math.abs(p[k] - p[k - 1]), 1);
    assert.ok(p.every((i) => i >= -1 && i <= s - 1));
    const points = [];
    for (let j = 0; j < s - l; j += l) points.push(j);
    let ups = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[k - 1]) ups++;
    assert.equal(ups, points.length * (r - 1) * l);
    assert.equal(ddnmEvaluations({ ...DDNM_DEFAULTS, steps: s, travelLength: l, travelRepeat: r }), s + points.length * (r - 1) * l);
  }
});

test('the sampler visits the schedule: the network is called at tau[i] for every downward move from i', () => {
  const op = InpaintOperator.fromSpec([4, 4, 1], { kind: 'box', size: 2 });
  const c = config({ steps: 6, travelLength: 2, travelRepeat: 2 });
  const tau = [...new DdnmSampler(schedule, op, c).timesteps].reverse();
  const path = timeTravelSchedule(6, 2, 2);
  const expected: number[] = [];
  for (let k = 1; k < path.length; k++) if (path[k] < path[k - 1]) expected.push(tau[path[k - 1]]);
  const seen: number[] = [];
  const spy: Predictor = (xt, t) => {
    seen.push(t);
    return toy(xt, t);
  };
  const y = tf.zeros([1, 4, 4, 1]);
  const out = ddnmRestore({ predict: spy, schedule, op, y, config: c, rng: new Rng(0) });
  assert.deepEqual(seen, expected);
  tf.dispose([y, out]);
});

test('an operator that measures nothing makes DDNM plain sampling with its step (the correction is a no-op)', () => {
  const op = InpaintOperator.fromSpec([4, 4, 1], { kind: 'box', size: 4 }); // every pixel missing
  const c = config({ steps: 10 });
  const y = tf.zeros([2, 4, 4, 1]);
  const restored = ddnmRestore({ predict: toy, schedule, op, y, config: c, rng: new Rng(7) });
  const rng = new Rng(7);
  const xT = tf.tensor(rng.normalArray(32), [2, 4, 4, 1]);
  const plain = runSampler(new DdnmSampler(schedule, op, c), toy, xT, rng);
  const unit = tf.tidy(() => tf.mul(tf.add(plain, 1), 0.5));
  assert.ok(maxAbsDiff(restored.dataSync(), unit.dataSync()) < 1e-6);
  tf.dispose([y, restored, xT, plain, unit]);
});

test("runSampler's epsAfterCorrection: 'keep' steps with the network's eps, the default with eps re-derived from x0'", () => {
  const seen: { keep?: Float32Array; rederive?: Float32Array } = {};
  const xT = tf.tensor(new Rng(1).normalArray(16), [1, 4, 4, 1]);
  const net = toy(xT, 150);
  const corrected = tf.fill([1, 4, 4, 1], 0.3);
  for (const mode of ['keep', 'rederive'] as const) {
    const spy = { schedule, timesteps: [150], step: (p: { x0: tf.Tensor; eps: tf.Tensor }) => { seen[mode] = Float32Array.from(p.eps.dataSync()); return tf.clone(p.x0); } };
    const out = runSampler(spy, toy, xT, new Rng(0), { correctX0: () => tf.clone(corrected), epsAfterCorrection: mode });
    out.dispose();
  }
  assert.ok(maxAbsDiff(seen.keep!, net.eps.dataSync()) < 1e-6);
  const a = schedule.alphaBar[150];
  const want = tf.tidy(() => tf.div(tf.sub(xT, tf.mul(corrected, Math.sqrt(a))), Math.sqrt(1 - a)).dataSync());
  assert.ok(maxAbsDiff(seen.rederive!, want) < 1e-5);
  tf.dispose([xT, net.x0, net.eps, corrected]);
});
