/** The DDPM/DDIM equations checked numerically (Ho et al. 2020; Song et al. 2021). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../../src/backend/register_gradients.js';
import { betaSchedule } from '../../../src/models/ddpm/schedules.js';
import { NoiseSchedule } from '../../../src/models/ddpm/noise_schedule.js';
import { qSample, posteriorMean, epsMean, predictX0AndEps, predictionTarget } from '../../../src/models/ddpm/diffusion.js';
import { DdpmSampler } from '../../../src/models/ddpm/ddpm_sampler.js';
import { DdimSampler, ddimTimesteps } from '../../../src/models/ddpm/ddim_sampler.js';
import type { Sampler } from '../../../src/models/ddpm/sampler.js';
import { predictX0Eps } from '../../../src/models/ddpm/predict.js';
import { gaussianKl } from '../../../src/math/gaussian_kl.js';
import { Rng } from '../../../src/util/rng.js';

await tf.setBackend('cpu');
const linear = NoiseSchedule.fromConfig({ kind: 'linear', steps: 1000 });
/** The samplers below step from an unclipped eps prediction. */
const EPS = { prediction: 'eps', clipX0: false } as const;

function moments(a: ArrayLike<number>): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - m) ** 2;
  return { mean: m, variance: v / (a.length - 1) };
}

test('beta schedules: linear endpoints, cosine abar formula, all betas in (0, 1)', () => {
  const b = betaSchedule({ kind: 'linear', steps: 1000 });
  assert.ok(Math.abs(b[0] - 1e-4) < 1e-15 && Math.abs(b[999] - 0.02) < 1e-15);
  const T = 1000;
  const cos = NoiseSchedule.fromConfig({ kind: 'cosine', steps: T });
  const f = (u: number) => Math.cos(((u + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  for (const t of [0, 10, 500, 900]) assert.ok(Math.abs(cos.alphaBar[t] - f((t + 1) / T) / f(0)) < 1e-9, `cosine abar at ${t}`);
  for (const kind of ['linear', 'cosine', 'sigmoid'] as const) {
    const s = betaSchedule({ kind, steps: 200 });
    for (const x of s) assert.ok(x > 0 && x < 1, `${kind} beta ${x}`);
    const ns = new NoiseSchedule(s);
    for (let t = 1; t < 200; t++) assert.ok(ns.alphaBar[t] < ns.alphaBar[t - 1], `${kind} abar decreasing`);
  }
});

test('q(x_t | x_0): Monte-Carlo moments match the closed form, and so do t composed single steps', () => {
  const rng = new Rng(1);
  const n = 40000;
  const x0val = 0.7;
  for (const t of [0, 99, 499, 999]) {
    const x0 = tf.fill([n, 1], x0val);
    const eps = tf.tensor(rng.normalArray(n), [n, 1]);
    const xt = qSample(linear, x0, t, eps);
    const m = moments(xt.dataSync());
    const a = linear.alphaBar[t];
    assert.ok(Math.abs(m.mean - Math.sqrt(a) * x0val) < 4 * Math.sqrt((1 - a) / n) + 1e-6, `mean at t=${t}`);
    assert.ok(Math.abs(m.variance - (1 - a)) < 0.03 * (1 - a) + 1e-6, `variance at t=${t}`);
    // x_i = sqrt(1 - beta_i) x_{i-1} + sqrt(beta_i) z_i, applied for i = 1..t+1
    const x = new Float64Array(n).fill(x0val);
    for (let k = 0; k <= t; k++) {
      const z = rng.normalArray(n);
      const c = Math.sqrt(1 - linear.betas[k]);
      const s = Math.sqrt(linear.betas[k]);
      for (let j = 0; j < n; j++) x[j] = c * x[j] + s * z[j];
    }
    const mc = moments(x);
    assert.ok(Math.abs(mc.mean - Math.sqrt(a) * x0val) < 4 * Math.sqrt((1 - a) / n) + 1e-6, `composed mean at t=${t}`);
    assert.ok(Math.abs(mc.variance - (1 - a)) < 0.03 * (1 - a) + 1e-6, `composed variance at t=${t}`);
    tf.dispose([x0, eps, xt]);
  }
});

test('posterior q(x_{t-1} | x_t, x_0) from the product of Gaussians equals mu_tilde and beta_tilde', () => {
  for (const t of [1, 10, 500, 999]) {
    const beta = linear.betas[t];
    const alpha = 1 - beta;
    const abarPrev = linear.alphaBar[t - 1];
    // q(x_t | x_{t-1}) as a function of x_{t-1}: precision alpha/beta around x_t/sqrt(alpha);
    // q(x_{t-1} | x_0): precision 1/(1 - abarPrev) around sqrt(abarPrev) x0.
    const precision = alpha / beta + 1 / (1 - abarPrev);
    const variance = 1 / precision;
    const cXt = (variance * Math.sqrt(alpha)) / beta;
    const cX0 = (variance * Math.sqrt(abarPrev)) / (1 - abarPrev);
    assert.ok(Math.abs(variance / linear.posteriorVariance[t] - 1) < 1e-9, `beta_tilde at ${t}`);
    assert.ok(Math.abs(cXt / linear.posteriorCoefXt[t] - 1) < 1e-9, `x_t coefficient at ${t}`);
    assert.ok(Math.abs(cX0 / linear.posteriorCoefX0[t] - 1) < 1e-9, `x_0 coefficient at ${t}`);
  }
});

test('the eps-parameterised mean equals mu_tilde when eps_psi is the true noise; x0/eps/v round trip', () => {
  const rng = new Rng(2);
  const x0 = tf.tensor(rng.normalArray(2 * 4 * 4), [2, 4, 4, 1]);
  const eps = tf.tensor(rng.normalArray(2 * 4 * 4), [2, 4, 4, 1]);
  for (const t of [1, 250, 999]) {
    const xt = qSample(linear, x0, t, eps);
    const a = epsMean(linear, xt, eps, t);
    const b = posteriorMean(linear, x0, xt, t);
    assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-4, `mean at t=${t}`);
    for (const p of ['eps', 'x0', 'v'] as const) {
      const out = predictionTarget(linear, p, x0, eps, t);
      const r = predictX0AndEps(linear, p, xt, out, t);
      assert.ok(tf.max(tf.abs(tf.sub(r.x0, x0))).dataSync()[0] < 2e-3, `${p}: x0 at t=${t}`);
      assert.ok(tf.max(tf.abs(tf.sub(r.eps, eps))).dataSync()[0] < 2e-3, `${p}: eps at t=${t}`);
      tf.dispose([out, r.x0, r.eps]);
    }
    tf.dispose([xt, a, b]);
  }
  tf.dispose([x0, eps]);
});

test('L_{t-1} in KL form equals the weighted eps-MSE plus its constant', () => {
  const rng = new Rng(3);
  const D = 16;
  const x0 = tf.tensor(rng.normalArray(3 * D), [3, D]);
  const eps = tf.tensor(rng.normalArray(3 * D), [3, D]);
  const epsHat = tf.add(eps, tf.tensor(rng.normalArray(3 * D, 0, 0.3), [3, D]));
  for (const t of [1, 100, 700]) {
    for (const sigma2 of [linear.betas[t], linear.posteriorVariance[t]]) {
      const xt = qSample(linear, x0, t, eps);
      const muQ = posteriorMean(linear, x0, xt, t);
      const muP = epsMean(linear, xt, epsHat, t);
      const kl = gaussianKl(muQ, linear.posteriorVariance[t], muP, sigma2).arraySync() as number[];
      const bt = linear.betas[t];
      const w = (bt * bt) / (2 * sigma2 * linear.alphas[t] * (1 - linear.alphaBar[t]));
      const constant = 0.5 * D * (Math.log(sigma2 / linear.posteriorVariance[t]) + linear.posteriorVariance[t] / sigma2 - 1);
      const mse = tf.sum(tf.square(tf.sub(eps, epsHat)), 1).arraySync() as number[];
      for (let i = 0; i < 3; i++) {
        const expected = w * mse[i] + constant;
        assert.ok(Math.abs(kl[i] - expected) <= 1e-3 * Math.max(1, Math.abs(expected)), `t=${t} i=${i}: ${kl[i]} vs ${expected}`);
      }
      tf.dispose([xt, muQ, muP]);
    }
  }
  tf.dispose([x0, eps, epsHat]);
});

/**
 * Data x0 ~ N(m, s^2): x_t ~ N(sqrt(abar) m, abar s^2 + 1 - abar), and the optimal predictor
 * E[eps | x_t] = sqrt(1 - abar) (x_t - sqrt(abar) m) / (abar s^2 + 1 - abar) is linear.
 */
function runSampler(sampler: Sampler, n: number, m: number, s: number, rng: Rng, schedule: NoiseSchedule): { mean: number; std: number; out: Float32Array } {
  let x = tf.tensor(rng.normalArray(n), [n, 1]);
  for (const t of sampler.timesteps) {
    const a = schedule.alphaBar[t];
    const next = tf.tidy(() => {
      const epsHat = tf.mul(tf.sub(x, Math.sqrt(a) * m), Math.sqrt(1 - a) / (a * s * s + 1 - a));
      const noise = tf.tensor(rng.normalArray(n), [n, 1]);
      return sampler.step(predictX0Eps(schedule, EPS, x, epsHat, t), t, x, noise);
    });
    x.dispose();
    x = next;
  }
  const out = x.dataSync() as Float32Array;
  x.dispose();
  const mo = moments(out);
  return { mean: mo.mean, std: Math.sqrt(mo.variance), out };
}

test('with the analytic eps-predictor, DDPM and DDIM reproduce the data distribution', () => {
  const schedule = NoiseSchedule.fromConfig({ kind: 'linear', steps: 1000 });
  const m = 0.4;
  const s = 0.3;
  const n = 20000;
  const samplers: [string, Sampler][] = [
    ['ddpm beta_tilde', new DdpmSampler(schedule, { variance: 'beta_tilde' })],
    ['ddpm beta', new DdpmSampler(schedule, { variance: 'beta' })],
    // Few-step deterministic DDIM shrinks the spread of Gaussian data (first-order discretisation
    // of its ODE: std 0.19 at 10 steps, 0.275 at 50, 0.294 at 200, 0.299 at 1000 for s = 0.3), so
    // the exactness check uses enough steps for the discretisation error to fall under the tolerance.
    // (Stochastic DDIM with skipped steps shrinks it too: eta = 1 over 100 steps gives 0.272.)
    ['ddim 1000 eta 0', new DdimSampler(schedule, { steps: 1000, eta: 0, spacing: 'leading' })],
    ['ddim 200 eta 0', new DdimSampler(schedule, { steps: 200, eta: 0, spacing: 'leading' })],
  ];
  for (const [name, sampler] of samplers) {
    const r = runSampler(sampler, n, m, s, new Rng(4), schedule);
    assert.ok(Math.abs(r.mean - m) < 0.02, `${name}: mean ${r.mean} vs ${m}`);
    // fixed_large (beta) variance is known to overshoot slightly; the rest should be tight.
    const tol = name === 'ddpm beta' ? 0.05 : 0.02;
    assert.ok(Math.abs(r.std - s) < tol, `${name}: std ${r.std} vs ${s}`);
  }
});

test('deterministic DDIM (eta = 0) maps the same noise to the same sample; DDIM eta=1 over all T is DDPM', () => {
  const schedule = NoiseSchedule.fromConfig({ kind: 'cosine', steps: 100 });
  const ddim = new DdimSampler(schedule, { steps: 10, eta: 0, spacing: 'leading' });
  const a = runSampler(ddim, 64, 0.1, 0.5, new Rng(9), schedule).out;
  const b = runSampler(ddim, 64, 0.1, 0.5, new Rng(9), schedule).out;
  assert.deepEqual(Array.from(a), Array.from(b));
  // With a different stream for the (unused) step noise but the same initial noise, eta=0 still agrees.
  const full = new DdimSampler(schedule, { steps: 100, eta: 1, spacing: 'leading' });
  const ddpm = new DdpmSampler(schedule, { variance: 'beta_tilde' });
  assert.deepEqual(full.timesteps, ddpm.timesteps);
  for (const t of [0, 1, 50, 99]) assert.ok(Math.abs(full.sigma(t) - ddpm.sigma(t)) < 1e-9, `sigma at ${t}`);
  const x = tf.tensor([[0.3], [-1.2]]);
  const out = tf.tensor([[0.5], [0.1]]);
  const z = tf.tensor([[1.0], [-0.5]]);
  for (const t of [1, 42, 99]) {
    const pred = predictX0Eps(schedule, EPS, x, out, t);
    const p = full.step(pred, t, x, z).dataSync();
    const q = ddpm.step(pred, t, x, z).dataSync();
    assert.ok(Math.abs(p[0] - q[0]) < 1e-5 && Math.abs(p[1] - q[1]) < 1e-5, `step at ${t}`);
  }
  assert.deepEqual(ddimTimesteps(1000, 4, 'leading'), [750, 500, 250, 0]);
  assert.deepEqual(ddimTimesteps(1000, 4, 'trailing'), [999, 749, 499, 249]);
});
