/**
 * Min-SNR-gamma: whatever the network predicts, the weighted loss equals
 * min(SNR_t, gamma) ||x0 - x0_hat||^2 for the same x0 estimate. Checked by turning one x0
 * estimate at x_t into the eps and v a network would output for it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { NoiseSchedule } from '../../../src/models/ddpm/noise_schedule.js';
import { qSample, predictionTarget, type Prediction } from '../../../src/models/ddpm/diffusion.js';
import { lossWeight, snr } from '../../../src/models/ddpm/loss_weight.js';
import { Rng } from '../../../src/util/rng.js';

before(async () => {
  await tf.setBackend('cpu');
});

test('min-snr weights turn every parameterisation into min(SNR, gamma) times the x0 error', () => {
  const rng = new Rng(5);
  const s = NoiseSchedule.fromConfig({ kind: 'cosine', steps: 1000 });
  const D = 12;
  const cfg = { kind: 'min-snr' as const, gamma: 5 };
  for (const t of [0, 10, 200, 500, 900, 999]) {
    tf.tidy(() => {
      const x0 = tf.tensor(rng.normalArray(D), [1, D]);
      const eps = tf.tensor(rng.normalArray(D), [1, D]);
      const xt = qSample(s, x0, t, eps);
      const x0Hat = tf.add(x0, tf.mul(tf.tensor(rng.normalArray(D), [1, D]), 0.1));
      // the eps and v a network would output for x0Hat at x_t: eps_hat = (x_t - sqrt(abar) x0_hat) / sqrt(1 - abar)
      const a = s.alphaBar[t];
      const epsHat = tf.div(tf.sub(xt, tf.mul(x0Hat, Math.sqrt(a))), Math.sqrt(1 - a));
      const x0Err = tf.sum(tf.square(tf.sub(x0, x0Hat))).dataSync()[0];
      const want = Math.min(snr(s, t), 5) * x0Err;
      for (const p of ['eps', 'x0', 'v'] as Prediction[]) {
        const target = predictionTarget(s, p, x0, eps, t);
        const output = predictionTarget(s, p, x0Hat, epsHat, t); // the same map applied to the estimates
        const err = tf.sum(tf.square(tf.sub(target, output))).dataSync()[0];
        const got = lossWeight(s, p, cfg, t) * err;
        assert.ok(Math.abs(got - want) <= 1e-3 * Math.max(want, 1e-6) + 1e-9, `t=${t} ${p}: ${got} vs ${want}`);
      }
    });
  }
  // 'none' is the simple loss, and SNR below gamma leaves x0-prediction unweighted beyond SNR itself.
  assert.equal(lossWeight(s, 'eps', { kind: 'none', gamma: 5 }, 300), 1);
  const tLow = 999; // SNR ~ 0 < gamma: eps weight min(SNR, 5) / SNR = 1
  assert.ok(Math.abs(lossWeight(s, 'eps', cfg, tLow) - 1) < 1e-12);
  assert.ok(Math.abs(lossWeight(s, 'eps', cfg, 0) - 5 / snr(s, 0)) < 1e-12);
});
