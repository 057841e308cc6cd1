/**
 * DPM-Solver++(2M) and UniPC on the analytic one-Gaussian case: data x0 ~ N(m, s^2) has the
 * optimal clean-sample predictor E[x0 | x_t] = m + a s^2 (x_t - a m) / (a^2 s^2 + sigma^2)
 * (a = sqrt(abar_t), sigma = sqrt(1 - abar_t)), and its probability-flow ODE maps quantiles to
 * quantiles, so the exact solution from x at the first visited timestep t0 is, at any later t,
 *   x_t = a_t m + sd_t (x - a_0 m) / sd_0,   sd_t = sqrt(a_t^2 s^2 + sigma_t^2).
 * DDIM (eta 0) is the first-order solver of the same ODE; the multistep solvers must land closer
 * at equal network evaluations, with their error falling faster as steps are added. The error
 * is read half-way, at t = 499 (the visited timestep of index N/2 for every even N with trailing
 * spacing), so that all rows measure the same thing; near t = 0 uniform-in-t spacing puts most of
 * the log-SNR range in the last few intervals, where every solver's error is that of its last step.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { NoiseSchedule } from '../../../src/models/ddpm/noise_schedule.js';
import { epsFromX0, type Predictor } from '../../../src/models/ddpm/predict.js';
import { DdimSampler } from '../../../src/models/ddpm/ddim_sampler.js';
import { DpmSolverPP2M } from '../../../src/models/ddpm/dpm_solver_pp.js';
import { UniPcSampler, unipcWeights } from '../../../src/models/ddpm/unipc.js';
import { solveSmall } from '../../../src/models/ddpm/solver_steps.js';
import type { Sampler } from '../../../src/models/ddpm/sampler.js';
import { runSampler } from '../../../src/models/ddpm/sampling.js';
import { Rng } from '../../../src/util/rng.js';

before(async () => {
  await tf.setBackend('cpu');
});

const schedule = NoiseSchedule.fromConfig({ kind: 'linear', steps: 1000 });
const M = 0.4;
const S = 0.3;

const gaussianPredictor: Predictor = (xt, t) =>
  tf.tidy(() => {
    const a = Math.sqrt(schedule.alphaBar[t]);
    const v = 1 - schedule.alphaBar[t];
    const x0 = tf.add(tf.mul(tf.sub(xt, a * M), (a * S * S) / (a * a * S * S + v)), M);
    return { x0, eps: epsFromX0(schedule, xt, x0, t) };
  });

const N = 2000;
const start = new Rng(11).normalArray(N);

const sdAt = (t: number) => Math.sqrt(schedule.alphaBar[t] * S * S + 1 - schedule.alphaBar[t]);

/** The exact ODE solution at t from `start` at t0. */
function exact(t0: number, t: number): Float64Array {
  const a0 = Math.sqrt(schedule.alphaBar[t0]);
  const a = Math.sqrt(schedule.alphaBar[t]);
  return Float64Array.from(start, (x) => a * M + (sdAt(t) * (x - a0 * M)) / sdAt(t0));
}

/** Mean absolute distance to the exact ODE solution at t = 499, and the final samples' std. */
function error(sampler: Sampler): { err: number; std: number } {
  const xT = tf.tensor(start, [N, 1]);
  const last = 499;
  assert.ok(sampler.timesteps.includes(last));
  let got: ArrayLike<number> = [];
  const out = runSampler(sampler, gaussianPredictor, xT, new Rng(0), { onStep: (t, x) => { if (t === last) got = x.dataSync(); } });
  const final = out.dataSync();
  tf.dispose([xT, out]);
  const want = exact(sampler.timesteps[0], last);
  let err = 0;
  let mean = 0;
  for (let i = 0; i < N; i++) {
    err += Math.abs(got[i] - want[i]);
    mean += final[i];
  }
  mean /= N;
  let v = 0;
  for (let i = 0; i < N; i++) v += (final[i] - mean) ** 2;
  return { err: err / N, std: Math.sqrt(v / N) };
}

const STEPS = [10, 20, 40, 80];

const make = {
  ddim: (steps: number) => new DdimSampler(schedule, { steps, eta: 0, spacing: 'trailing' }),
  'dpm++2m': (steps: number) => new DpmSolverPP2M(schedule, { steps, spacing: 'trailing' }),
  unipc: (steps: number) => new UniPcSampler(schedule, { steps, spacing: 'trailing' }),
};

test('at equal evaluations the multistep solvers land far closer to the exact ODE sample than DDIM', () => {
  const rows: string[] = [];
  const errs: Record<string, number[]> = {};
  for (const [name, mk] of Object.entries(make)) {
    errs[name] = STEPS.map((n) => error(mk(n)).err);
    rows.push(`${name.padEnd(8)} ${errs[name].map((e) => e.toExponential(2)).join('  ')}`);
  }
  console.log(`mean |x_499 - exact| at ${STEPS.join(' / ')} steps:\n${rows.join('\n')}`);
  for (const k of STEPS.keys()) {
    assert.ok(errs['dpm++2m'][k] < errs.ddim[k] / (k === 0 ? 1.5 : 2), `dpm++2m at ${STEPS[k]} steps: ${errs['dpm++2m'][k]} vs ddim ${errs.ddim[k]}`);
    assert.ok(errs.unipc[k] < errs['dpm++2m'][k], `unipc at ${STEPS[k]} steps: ${errs.unipc[k]} vs dpm++2m ${errs['dpm++2m'][k]}`);
  }
  // Orders: doubling the steps divides a first-order error by ~2 and a second-order one by ~4;
  // UniPC's corrector adds one order to its order-2 predictor (~8).
  const ratio = (name: string, k: number) => errs[name][k] / errs[name][k + 1];
  for (const k of [1, 2]) {
    assert.ok(ratio('ddim', k) > 1.8 && ratio('ddim', k) < 2.2, `ddim ratio ${STEPS[k]} -> ${STEPS[k + 1]}: ${ratio('ddim', k)}`);
    assert.ok(ratio('dpm++2m', k) > 3.3 && ratio('dpm++2m', k) < 4.7, `dpm++2m ratio ${STEPS[k]} -> ${STEPS[k + 1]}: ${ratio('dpm++2m', k)}`);
    assert.ok(ratio('unipc', k) > 5, `unipc ratio ${STEPS[k]} -> ${STEPS[k + 1]}: ${ratio('unipc', k)}`);
  }
});

test('with a constant clean-sample prediction every solver takes the DDIM step', () => {
  // m_j = m_{j-1} = c: DPM-Solver++'s D = c and UniPC's differences D_k and m_t - m_j vanish.
  const c = tf.tensor([[0.25], [-0.5], [0.75]]);
  const constant: Predictor = (xt, t) => tf.tidy(() => ({ x0: tf.clone(c), eps: epsFromX0(schedule, xt, c, t) }));
  const xT = tf.tensor([[1.3], [-0.4], [0.2]]);
  const ref = runSampler(make.ddim(12), constant, xT, new Rng(0)).dataSync();
  for (const name of ['dpm++2m', 'unipc'] as const) {
    // Stop one step early (startAt on the full list, then compare the state at the last visited t).
    const got = runSampler(make[name](12), constant, xT, new Rng(0)).dataSync();
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(got[i] - ref[i]) < 1e-6, `${name}[${i}] ${got[i]} vs ${ref[i]}`);
  }
  // Intermediate states agree too: compare the x_t each solver reaches before its last step.
  const trace = (s: Sampler) => {
    const seen: number[][] = [];
    const out = runSampler(s, constant, xT, new Rng(0), { onStep: (_t, x) => seen.push(Array.from(x.dataSync())) });
    out.dispose();
    return seen;
  };
  const a = trace(make.ddim(12));
  for (const name of ['dpm++2m', 'unipc'] as const) {
    const b = trace(make[name](12));
    for (let k = 0; k < a.length; k++) for (let i = 0; i < 3; i++) assert.ok(Math.abs(a[k][i] - b[k][i]) < 1e-5, `${name} step ${k}`);
  }
  tf.dispose([c, xT]);
});

test('a solver instance can be reused and entered part-way, and leaves no tensors behind', () => {
  for (const name of ['dpm++2m', 'unipc'] as const) {
    const s = make[name](10);
    const xT = tf.tensor(start.slice(0, 16), [16, 1]);
    const before = tf.memory().numTensors;
    const a = runSampler(s, gaussianPredictor, xT, new Rng(0));
    const b = runSampler(s, gaussianPredictor, xT, new Rng(0));
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()), `${name}: same result when reused`);
    // Entered part-way, then in full: the full run is unaffected by the partial one's history.
    const partial = runSampler(s, gaussianPredictor, xT, new Rng(0), { startAt: s.timesteps[4] });
    const c = runSampler(s, gaussianPredictor, xT, new Rng(0));
    assert.deepEqual(Array.from(c.dataSync()), Array.from(a.dataSync()), `${name}: unaffected by a partial run`);
    tf.dispose([a, b, c, partial]);
    assert.equal(tf.memory().numTensors, before, `${name}: tensors after three runs`);
    xT.dispose();
  }
});

test('UniPC weights: order 1 and 2 in closed form; the small solver', () => {
  const h = 0.3;
  const w1 = unipcWeights(h, [1]);
  assert.equal(w1.phi1, Math.expm1(-h));
  assert.deepEqual(w1.predictor, []);
  assert.deepEqual(w1.corrector, [0.5]);
  // Order 2 with r_1 = -0.8: c solves [[1, 1], [r, 1]] c = [g1, g2] with
  // g1 = psi1 / B, g2 = 2 psi2 / B, psi1 = phi1/(-h) - 1, psi2 = psi1/(-h) - 1/2.
  const r = -0.8;
  const B = Math.expm1(-h);
  const psi1 = B / -h - 1;
  const psi2 = psi1 / -h - 0.5;
  const g1 = psi1 / B;
  const g2 = (2 * psi2) / B;
  const c2 = (g1 * r - g2) / (r - 1); // from c1 + c2 = g1, r c1 + c2 = g2
  const c1 = g1 - c2;
  const w2 = unipcWeights(h, [r, 1]);
  assert.deepEqual(w2.predictor, [0.5]);
  assert.ok(Math.abs(w2.corrector[0] - c1) < 1e-12 && Math.abs(w2.corrector[1] - c2) < 1e-12, `${w2.corrector} vs ${[c1, c2]}`);
  const x = solveSmall([[2, 1, 0], [1, 3, 1], [0, 1, 4]], [3, 5, 5]);
  for (const [i, v] of x.entries()) assert.ok(Math.abs(v - 1) < 1e-12, `solveSmall[${i}] = ${v}`);
});
