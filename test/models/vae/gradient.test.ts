/**
 * The reparameterised gradient (z = mu + sigma eps) against (1) central finite differences of
 * the same Monte-Carlo loss with common random numbers (a fixed eps), on a small VAE, and
 * (2) the exact gradient of the expected ELBO on the linear-Gaussian model.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../../src/backend/register_gradients.js';
import { Rng } from '../../../src/util/rng.js';
import { VaeModel } from '../../../src/models/vae/model.js';
import { defaultConfig } from '../../../src/models/vae/config.js';
import { reparameterize } from '../../../src/models/vae/elbo.js';
import { klStdNormal } from '../../../src/math/gaussian_kl.js';
import { LinearGaussian } from './linear_gaussian.js';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

test('reparameterised gradient of a small VAE matches finite differences (common random numbers)', () => {
  const data = { kind: 'points' as const, shape: [3], numClasses: null };
  for (const decoderVariance of ['fixed', 'learned'] as const) {
    const config = { ...defaultConfig('vae', data), hidden: [4], activation: 'tanh' as const, latent: 2, decoderVariance, decoderStd: 0.8 };
    const model = new VaeModel(config, data, new Rng(1));
    const rng = new Rng(2);
    const B = 6;
    const x = tf.tensor2d(rng.normalArray(B * 3), [B, 3]);
    const eps = tf.tensor2d(rng.normalArray(B * 2), [B, 2]); // common random numbers
    const loss = (): tf.Scalar => model.lossTerms(x, { eps }, 1).loss;
    const vars = model.paramGroups().model;
    const { grads, value } = tf.variableGrads(loss, vars);
    value.dispose();
    const h = 1e-2;
    let worst = 0;
    let checked = 0;
    for (const v of vars) {
      const g = grads[v.name].dataSync();
      const base = v.dataSync().slice();
      for (let i = 0; i < v.size; i++) {
        const at = (delta: number): number => {
          const w = base.slice();
          w[i] += delta;
          tf.tidy(() => v.assign(tf.tensor(w, v.shape)));
          return tf.tidy(() => loss().dataSync()[0]);
        };
        // central difference: dL/dw ~ (L(w + h) - L(w - h)) / 2h
        const fd = (at(h) - at(-h)) / (2 * h);
        tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
        const err = Math.abs(fd - g[i]) / Math.max(1, Math.abs(fd));
        worst = Math.max(worst, err);
        checked++;
      }
    }
    assert.ok(checked > 40, `checked ${checked} parameters`);
    assert.ok(worst < 2e-3, `${decoderVariance} variance: worst relative gradient error ${worst}`);
    tf.dispose([x, eps, ...Object.values(grads)]);
    model.dispose();
  }
});

test('reparameterised gradient estimates the exact gradient of the expected ELBO (linear-Gaussian)', () => {
  const W = [[0.9, -0.3], [0.2, 1.1], [-0.5, 0.4], [1.3, 0.8]];
  const b = [0.2, -0.1, 0.4, 0.0];
  const x0 = [1.1, -0.6, 0.9, 0.3];
  const m = [0.4, -0.2];
  const s = [-0.7, 0.3]; // log-variances
  const model = new LinearGaussian(W, b, m, s);
  const S = 50_000;
  const rng = new Rng(9);
  // Monte-Carlo objective: mean_i log p(x|z_i) - KL, z_i = mu + sigma eps_i, gradient through z.
  const x = tf.tensor2d([x0]);
  const xs = tf.tile(x, [S, 1]);
  const eps = tf.tensor2d(rng.normalArray(S * 2), [S, 2]);
  const { grads, value } = tf.variableGrads(() => {
    const { mu, logvar } = model.encode(xs);
    const z = reparameterize(mu, logvar, eps);
    return tf.sub(tf.mean(model.logLikelihood(xs, z)), tf.mean(klStdNormal(mu, logvar))) as tf.Scalar;
  }, [model.mu, model.logvar]);
  // Exact gradients of ELBO(m, s) = log N(x; W m + b, I) - 1/2 sum_j e^{s_j} |W_:j|^2 - KL:
  //   dELBO/dm = W^T (x - b - W m) - m
  //   dELBO/ds_j = -1/2 e^{s_j} |W_:j|^2 - 1/2 (e^{s_j} - 1)
  const r = x0.map((xi, i) => xi - b[i] - (W[i][0] * m[0] + W[i][1] * m[1]));
  const gm = [0, 1].map((j) => W.reduce((acc, row, i) => acc + row[j] * r[i], 0) - m[j]);
  const gs = [0, 1].map((j) => -0.5 * Math.exp(s[j]) * W.reduce((acc, row) => acc + row[j] ** 2, 0) - 0.5 * (Math.exp(s[j]) - 1));
  const got = [...grads[model.mu.name].dataSync(), ...grads[model.logvar.name].dataSync()];
  const want = [...gm, ...gs];
  // The MC check of the value too: ELBO closed form.
  assert.ok(Math.abs(value.dataSync()[0] - model.elboExact(x0, m, s.map(Math.exp))) < 0.03);
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(got[i] - want[i]) < 0.03 * Math.max(1, Math.abs(want[i])), `grad ${i}: ${got[i]} vs exact ${want[i]}`);
  }
  tf.dispose([x, xs, eps, value, ...Object.values(grads)]);
  model.dispose();
});
