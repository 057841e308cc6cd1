/** GAN losses, saturation, weight clipping and the gradient penalty, each against hand-computed numbers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { discriminatorLoss, generatorLoss, GAN_LOSSES } from '../../../src/models/gan/losses.js';
import { clipWeights } from '../../../src/models/gan/weight_clipping.js';
import { criticGradientNorms, drawMixingWeights, gradientPenalty, interpolateSamples } from '../../../src/models/gan/gradient_penalty.js';
import { buildDiscriminator, buildGenerator } from '../../../src/models/gan/networks.js';
import { defaultConfig } from '../../../src/models/gan/config.js';
import { Rng } from '../../../src/util/rng.js';

const r = [2.0, -1.0, 0.5]; // D's logits on real data
const f = [-3.0, 0.0, 1.5]; // on generated data
const sig = (u: number) => 1 / (1 + Math.exp(-u));
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('each loss equals its formula on fixed logits', async () => {
  await initBackend({ backend: 'cpu' });
  const rt = tf.tensor2d(r, [3, 1]);
  const ft = tf.tensor2d(f, [3, 1]);
  const val = (t: tf.Scalar) => {
    const v = t.dataSync()[0];
    t.dispose();
    return v;
  };
  // minimax / ns discriminator: -E log D(x) - E log(1 - D(G(z)))
  const dBce = -mean(r.map((u) => Math.log(sig(u)))) - mean(f.map((u) => Math.log(1 - sig(u))));
  close(val(discriminatorLoss('minimax', rt, ft)), dBce);
  close(val(discriminatorLoss('ns', rt, ft)), dBce);
  // minimax generator: E log(1 - D(G(z)));  ns: -E log D(G(z))
  close(val(generatorLoss('minimax', ft)), mean(f.map((u) => Math.log(1 - sig(u)))));
  close(val(generatorLoss('ns', ft)), -mean(f.map((u) => Math.log(sig(u)))));
  // LSGAN on raw outputs: D: E(D(x) - 1)^2 + E D(G(z))^2;  G: E(D(G(z)) - 1)^2
  close(val(discriminatorLoss('lsgan', rt, ft)), mean(r.map((u) => (u - 1) ** 2)) + mean(f.map((u) => u * u)));
  close(val(generatorLoss('lsgan', ft)), mean(f.map((u) => (u - 1) ** 2)));
  // WGAN critic: E D(G(z)) - E D(x);  generator: -E D(G(z)). WGAN-GP shares them (its penalty is separate).
  for (const l of ['wgan', 'wgan-gp'] as const) {
    close(val(discriminatorLoss(l, rt, ft)), mean(f) - mean(r));
    close(val(generatorLoss(l, ft)), -mean(f));
  }
  assert.deepEqual([...GAN_LOSSES], ['minimax', 'ns', 'lsgan', 'wgan', 'wgan-gp']);
  tf.dispose([rt, ft]);
});

test('minimax and non-saturating G losses: same gradient at the fixed point D = 1/2, saturation near D(G(z)) = 0', async () => {
  await initBackend({ backend: 'cpu' });
  const slope = (loss: 'minimax' | 'ns', logit: number) => {
    const g = tf.grad((x: tf.Tensor) => generatorLoss(loss, x))(tf.tensor2d([logit], [1, 1]));
    const v = g.dataSync()[0];
    g.dispose();
    return v;
  };
  // d/df log(1 - sigmoid f) = -sigmoid(f);  d/df -log sigmoid(f) = -(1 - sigmoid(f)).
  close(slope('minimax', 0), -0.5);
  close(slope('ns', 0), -0.5);
  // D(G(z)) = sigmoid(-10) = 4.5e-5: the saturating loss gives the generator almost nothing.
  close(slope('minimax', -10), -sig(-10), 1e-3);
  close(slope('ns', -10), -(1 - sig(-10)), 1e-6);
  assert.ok(Math.abs(slope('ns', -10)) / Math.abs(slope('minimax', -10)) > 1e4, 'non-saturating gradient is >10^4 times larger');
});

test('weight clipping keeps every critic weight within the bound', async () => {
  await initBackend({ backend: 'cpu' });
  const cfg = defaultConfig('wgan', { kind: 'points', shape: [2], numClasses: null });
  const d = buildDiscriminator(cfg, { kind: 'points', shape: [2], numClasses: null }, new Rng(1));
  const before = tf.memory().numTensors;
  clipWeights(d.parameters(), 0.01);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  let maxAbs = 0;
  let atBound = 0;
  for (const v of d.parameters()) {
    for (const x of v.dataSync()) {
      maxAbs = Math.max(maxAbs, Math.abs(x));
      if (Math.abs(Math.abs(x) - 0.01) < 1e-9) atBound++;
    }
  }
  assert.ok(maxAbs <= 0.01 + 1e-9, `max |w| = ${maxAbs}`);
  assert.ok(atBound > 100, 'default-initialised weights exceed 0.01 and are clipped to it');
  d.dispose();
});

test('the mixing weight a is drawn per sample from U(0, 1) and shared by all of a sample\'s pixels', async () => {
  await initBackend({ backend: 'cpu' });
  const a = drawMixingWeights(20000, new Rng(5));
  assert.deepEqual(a.shape, [20000]);
  const v = Array.from(a.dataSync());
  const m = mean(v);
  const variance = mean(v.map((x) => (x - m) ** 2));
  assert.ok(Math.min(...v) >= 0 && Math.max(...v) <= 1, 'inside [0, 1]');
  close(m, 0.5, 0.02); // U(0,1): mean 1/2
  close(variance, 1 / 12, 0.05); // variance 1/12 (a normal would give about 1)
  a.dispose();
  // real = 1, fake = 0: x_hat = a, constant over each image.
  const few = tf.tensor1d([0.1, 0.7, 0.4]);
  const xh = interpolateSamples(tf.ones([3, 4, 4, 2]), tf.zeros([3, 4, 4, 2]), few);
  const px = xh.arraySync() as number[][][][];
  for (let b = 0; b < 3; b++) for (const row of px[b]) for (const pix of row) for (const c of pix) close(c, [0.1, 0.7, 0.4][b]);
  tf.dispose([few, xh]);
});

test('gradient penalty: per-sample gradient norms and the penalty\'s weight gradient match finite differences', async () => {
  await initBackend({ backend: 'cpu' });
  const shape = { kind: 'points' as const, shape: [2], numClasses: null };
  const cfg = { ...defaultConfig('wgan-gp', shape), hidden: [8, 8] };
  const d = buildDiscriminator(cfg, shape, new Rng(2));
  const critic = (x: tf.Tensor) => d.apply(x);
  const pts = [0.3, -0.7, 1.2, 0.4, -0.5, 0.9];
  const x = tf.tensor2d(pts, [3, 2]);
  const norms = criticGradientNorms(critic, x).dataSync();
  const h = 1e-3;
  const at = (p: number[]) => tf.tidy(() => critic(tf.tensor2d(p, [1, 2])).dataSync()[0]);
  for (let b = 0; b < 3; b++) {
    const g = [0, 1].map((k) => {
      const up = [pts[2 * b], pts[2 * b + 1]];
      const dn = [...up];
      up[k] += h;
      dn[k] -= h;
      return (at(up) - at(dn)) / (2 * h);
    });
    close(norms[b], Math.hypot(g[0], g[1]), 2e-3);
  }
  // d GP / d w for one critic weight: autodiff (second order) vs central difference.
  const real = tf.tensor2d([0.5, -1, 1.5, 0.3], [2, 2]);
  const fake = tf.tensor2d([-0.2, 0.4, 0.8, -0.9], [2, 2]);
  const a = tf.tensor1d([0.25, 0.6]);
  const w = d.parameters()[0];
  const gp = () => tf.tidy(() => gradientPenalty(critic, real, fake, a, 10).penalty);
  const { grads } = tf.variableGrads(gp, [w]);
  const auto = grads[w.name].dataSync()[3];
  const base = w.dataSync().slice();
  const shifted = (delta: number) => {
    const p = base.slice();
    p[3] += delta;
    w.assign(tf.tensor(p, w.shape));
    const s = gp();
    const v = s.dataSync()[0];
    s.dispose();
    return v;
  };
  const fd = (shifted(h) - shifted(-h)) / (2 * h);
  close(auto, fd, 5e-3);
  tf.dispose([x, real, fake, a, ...Object.values(grads)]);
  d.dispose();
});

test('DCGAN nets: shapes for 28x28 gray and 32x32 RGB; the benchmark DCGAN has 904,834 parameters', async () => {
  await initBackend({ backend: 'cpu' });
  const mnist = { kind: 'images' as const, shape: [28, 28, 1], numClasses: 10 };
  const cfg = { ...defaultConfig('ns', mnist), nz: 100, channels: 64 };
  const g = buildGenerator(cfg, mnist, new Rng(0));
  const d = buildDiscriminator(cfg, mnist, new Rng(0));
  assert.equal(g.numParameters() + d.numParameters(), 904834); // shared/bench/WORKLOADS.md dcgan
  const img = tf.tidy(() => g.apply(tf.zeros([2, 100])));
  assert.deepEqual(img.shape, [2, 28, 28, 1]);
  const out = tf.tidy(() => d.apply(img));
  assert.deepEqual(out.shape, [2, 1]);
  tf.dispose([img, out]);
  g.dispose();
  d.dispose();
  const rgb = { kind: 'images' as const, shape: [32, 32, 3], numClasses: null };
  const c2 = defaultConfig('wgan-gp', rgb);
  const g2 = buildGenerator(c2, rgb, new Rng(0));
  const d2 = buildDiscriminator(c2, rgb, new Rng(0));
  const img2 = tf.tidy(() => g2.apply(tf.zeros([2, c2.nz])));
  assert.deepEqual(img2.shape, [2, 32, 32, 3]);
  assert.ok(!d2.namedParameters().some(([n]) => n.includes('gamma')), 'no batch norm in a WGAN-GP critic');
  tf.dispose(img2);
  g2.dispose();
  d2.dispose();
});
