/**
 * The VAE / autoencoder model: the autoencoder is the VAE with KL weight 0 and sigma = 0;
 * the losses are the summed BCE / Gaussian NLL; shapes of both architectures; no leaks.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../../src/backend/register_gradients.js';
import { Rng } from '../../../src/util/rng.js';
import { VaeModel } from '../../../src/models/vae/model.js';
import { defaultConfig, validateConfig } from '../../../src/models/vae/config.js';
import type { VaeConfig } from '../../../src/models/vae/config.js';
import type { DataShape } from '../../../src/train/types.js';
import { adamContext } from './helpers.js';
import { UserError } from '../../../src/util/errors.js';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const img: DataShape = { kind: 'images', shape: [8, 8, 1], numClasses: 10 };

function randomImages(n: number, rng: Rng, binary: boolean): tf.Tensor4D {
  const a = rng.uniformArray(n * 64);
  if (binary) for (let i = 0; i < a.length; i++) a[i] = a[i] < 0.3 ? 1 : 0;
  return tf.tensor4d(a, [n, 8, 8, 1]);
}

/** Copies the VAE's weights into the AE: identical except the encoder's last layer, of which the AE takes the mu half. */
function copyVaeIntoAe(vae: VaeModel, ae: VaeModel): void {
  const src = new Map(vae.namedVariables());
  tf.tidy(() => {
    for (const [name, v] of ae.namedVariables()) {
      const s = src.get(name);
      if (!s) continue; // the AE's code statistics
      if (s.shape.join() === v.shape.join()) v.assign(s);
      else v.assign(tf.slice(s, s.shape.map(() => 0), v.shape)); // [.., 2D] -> [.., D]: the mu columns
    }
  });
}

for (const decoder of ['bernoulli', 'gaussian'] as const) {
  for (const arch of ['mlp', 'conv'] as const) {
    test(`autoencoder loss = VAE loss with KL weight 0 and sigma = 0 (${decoder}, ${arch})`, () => {
      const before = tf.memory().numTensors;
      const base: VaeConfig = { ...defaultConfig('vae', img), arch, hidden: [32], channels: [4, 8], convDense: 16, latent: 3, decoder };
      const vae = new VaeModel(base, img, new Rng(4));
      const ae = new VaeModel({ ...base, kind: 'ae' }, img, new Rng(5));
      copyVaeIntoAe(vae, ae);
      const x = randomImages(5, new Rng(6), decoder === 'bernoulli');
      const vaeT = vae.lossTerms(x, 'mean', 0);
      const aeT = ae.lossTerms(x, 'mean', 0);
      const lv = vaeT.loss.dataSync()[0];
      const la = aeT.loss.dataSync()[0];
      assert.ok(Math.abs(lv - la) < 1e-4 * Math.abs(la), `VAE(w=0, sigma=0) ${lv} vs AE ${la}`);
      // ... and the AE loss is the summed BCE (Bernoulli) or 1/2 SSE + D/2 log 2 pi (unit Gaussian), in float64.
      const xs = x.dataSync();
      const rec = ae.reconstruct(x);
      const p = rec.dataSync();
      let ref = 0;
      for (let i = 0; i < xs.length; i++) {
        ref += decoder === 'bernoulli'
          ? -(xs[i] * Math.log(p[i]) + (1 - xs[i]) * Math.log(1 - p[i]))
          : 0.5 * (xs[i] - p[i]) ** 2 + 0.5 * Math.log(2 * Math.PI);
      }
      ref /= 5;
      // (the Gaussian reconstruction is clipped to [0, 1] for display; compare unclipped means only for Bernoulli)
      if (decoder === 'bernoulli') assert.ok(Math.abs(la - ref) < 1e-3 * ref, `AE loss ${la} vs summed BCE ${ref}`);
      else {
        // Gaussian: the AE loss is 1/2 SSE + D/2 log 2 pi (unit variance), i.e. (D/2)(mse + log 2 pi).
        const mse = aeT.mse!.dataSync()[0];
        assert.ok(Math.abs(la - 32 * (mse + Math.log(2 * Math.PI))) < 1e-3 * la, `AE loss ${la} vs (D/2)(mse + log 2 pi) with mse ${mse}`);
      }
      // With KL weight 1 and random eps the VAE loss differs (a real KL term and noise).
      const eps = tf.tensor2d(new Rng(1).normalArray(15), [5, 3]);
      const vaeNoisy = vae.lossTerms(x, { eps }, 1);
      assert.ok(vaeNoisy.kl.dataSync()[0] > 0);
      tf.dispose([x, rec, eps, ...Object.values(vaeT), ...Object.values(aeT), ...Object.values(vaeNoisy)]);
      vae.dispose();
      ae.dispose();
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });
  }
}

test('shapes: encode, decode, sample, reconstruct for mlp/conv on 28x28 and 32x32x3', () => {
  for (const shape of [[28, 28, 1], [32, 32, 3]]) {
    const data: DataShape = { kind: 'images', shape, numClasses: null };
    for (const arch of ['mlp', 'conv'] as const) {
      for (const kind of ['vae', 'ae'] as const) {
        const before = tf.memory().numTensors;
        const m = new VaeModel({ ...defaultConfig(kind, data), arch, hidden: [16], latent: 2 }, data, new Rng(0));
        const x = tf.zeros([3, ...shape]);
        const { mu, logvar } = m.encode(x);
        assert.deepEqual(mu.shape, [3, 2]);
        assert.equal(logvar === null, kind === 'ae');
        const s = m.sample(4, new Rng(1));
        assert.deepEqual(s.shape, [4, ...shape]);
        const mn = tf.tidy(() => tf.min(s).dataSync()[0]);
        const mx = tf.tidy(() => tf.max(s).dataSync()[0]);
        assert.ok(mn >= 0 && mx <= 1, 'samples in [0, 1]');
        const r = m.reconstruct(x);
        assert.deepEqual(r.shape, [3, ...shape]);
        tf.dispose([x, mu, logvar ?? [], s, r]);
        m.dispose();
        assert.equal(tf.memory().numTensors, before, `${arch} ${kind} leaked`);
      }
    }
  }
});

test('trainStep lowers the loss on a fixed batch and leaves no tensors; AE tracks its code moments', () => {
  for (const kind of ['vae', 'ae'] as const) {
    const cfg: VaeConfig = { ...defaultConfig(kind, img), hidden: [32], latent: 4, klWarmupSteps: 10 };
    const m = new VaeModel(cfg, img, new Rng(1));
    const rng = new Rng(2);
    const x = randomImages(16, new Rng(3), true);
    const adam = adamContext(m, 3e-3, rng);
    // The AE's running moments: r <- (1 - a) r + a * batch moment, a = 0.01, from (0, 1); recomputed here.
    const refMean = new Float64Array(4);
    const refVar = new Float64Array(4).fill(1);
    const track = (): void => {
      if (kind !== 'ae') return;
      tf.tidy(() => {
        const { mean, variance } = tf.moments(m.encode(x).mu, 0);
        const mm = mean.dataSync();
        const vv = variance.dataSync();
        for (let j = 0; j < 4; j++) {
          refMean[j] = 0.99 * refMean[j] + 0.01 * mm[j];
          refVar[j] = 0.99 * refVar[j] + 0.01 * vv[j];
        }
      });
    };
    track();
    const first = m.trainStep({ x }, adam.ctx(0));
    const before = tf.memory().numTensors;
    let last = first;
    for (let s = 1; s < 60; s++) {
      track();
      last = m.trainStep({ x }, adam.ctx(s));
    }
    assert.equal(tf.memory().numTensors, before, `${kind} trainStep leaked`);
    assert.ok(last.loss < first.loss - 5, `${kind}: loss ${first.loss} -> ${last.loss}`);
    if (kind === 'vae') {
      assert.equal(first.klWeight, 0);
      assert.equal(last.klWeight, 1);
      assert.ok(Math.abs(last.elbo + last.rec + last.kl) < 1e-6);
    } else {
      const vars = new Map(m.namedVariables());
      const gotMean = vars.get('codes.mean')!.dataSync();
      const gotVar = vars.get('codes.var')!.dataSync();
      for (let j = 0; j < 4; j++) {
        assert.ok(Math.abs(gotMean[j] - refMean[j]) < 1e-4, `code mean ${gotMean[j]} vs ${refMean[j]}`);
        assert.ok(Math.abs(gotVar[j] - refVar[j]) < 1e-4, `code var ${gotVar[j]} vs ${refVar[j]}`);
      }
      assert.ok(Math.abs(refMean[0]) > 1e-3, 'codes moved');
    }
    adam.dispose();
    x.dispose();
    m.dispose();
  }
});

test('validate rejects bad configs with a one-line UserError', () => {
  const good = defaultConfig('vae', img);
  validateConfig(good);
  const cases: [Partial<VaeConfig> & Record<string, unknown>, RegExp][] = [
    [{ latent: 0 }, /latent/],
    [{ hidden: [] }, /hidden/],
    [{ beta: Number.NaN }, /beta/],
    [{ decoder: 'poisson' as VaeConfig['decoder'] }, /decoder/],
    [{ decoderVariance: 'learned' }, /learned/],
    [{ extra: 1 }, /extra/],
  ];
  for (const [patch, re] of cases) {
    assert.throws(() => validateConfig({ ...good, ...patch } as VaeConfig), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));
  }
  assert.throws(() => new VaeModel({ ...good, arch: 'conv', channels: [4, 8, 16] }, { kind: 'images', shape: [28, 28, 1], numClasses: null }, new Rng(0)), /divisible by 8/);
});

test('loss terms and gradients agree on the cpu and wasm backends', async () => {
  await import('@tensorflow/tfjs-backend-wasm');
  const results: { loss: number; grads: Float32Array[] }[] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    await tf.ready();
    const cfg: VaeConfig = { ...defaultConfig('vae', img), hidden: [32, 16], latent: 3 };
    const m = new VaeModel(cfg, img, new Rng(8));
    const x = randomImages(6, new Rng(9), true);
    const eps = tf.tensor2d(new Rng(10).normalArray(18), [6, 3]);
    const { value, grads } = tf.variableGrads(() => m.lossTerms(x, { eps }, 1).loss, m.paramGroups().model);
    results.push({ loss: value.dataSync()[0], grads: m.paramGroups().model.map((v) => grads[v.name].dataSync() as Float32Array) });
    tf.dispose([x, eps, value, ...Object.values(grads)]);
    m.dispose();
  }
  await tf.setBackend('cpu');
  const [c, w] = results;
  assert.ok(Math.abs(c.loss - w.loss) < 1e-4 * Math.abs(c.loss), `loss cpu ${c.loss} wasm ${w.loss}`);
  c.grads.forEach((g, i) => {
    let err = 0;
    let scale = 1e-6;
    for (let j = 0; j < g.length; j++) {
      err = Math.max(err, Math.abs(g[j] - w.grads[i][j]));
      scale = Math.max(scale, Math.abs(g[j]));
    }
    assert.ok(err / scale < 1e-3, `gradient ${i}: rel. error ${err / scale}`);
  });
});

test('logLikelihoodRepeated (broadcast x) equals logLikelihood on tiled x', () => {
  const pts: DataShape = { kind: 'points', shape: [2], numClasses: null };
  const cases: [DataShape, Partial<VaeConfig>][] = [
    [img, { decoder: 'bernoulli' }],
    [img, { decoder: 'gaussian', decoderVariance: 'fixed', decoderStd: 0.3, binarize: 'none' }],
    [img, { decoder: 'gaussian', decoderVariance: 'learned', binarize: 'none' }],
    [pts, {}],
  ];
  for (const [data, patch] of cases) {
    const m = new VaeModel({ ...defaultConfig('vae', data), hidden: [8], latent: 3, ...patch }, data, new Rng(2));
    const b = 2;
    const k = 5;
    const before = tf.memory().numTensors;
    const x = tf.tensor(new Rng(3).uniformArray(b * m.dim), [b, ...data.shape]);
    const z = tf.tensor2d(new Rng(4).normalArray(b * k * 3), [b * k, 3]);
    const fast = tf.tidy(() => m.logLikelihoodRepeated(x, z, k).arraySync() as number[]);
    const xt = tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(x, 1), [1, k, ...data.shape.map(() => 1)]), [b * k, ...data.shape]));
    const slow = tf.tidy(() => m.logLikelihood(xt, z).arraySync() as number[]);
    fast.forEach((v, i) => assert.ok(Math.abs(v - slow[i]) < 1e-4 * Math.max(1, Math.abs(v)), `${JSON.stringify(patch)}: ${v} vs ${slow[i]}`));
    tf.dispose([x, z, xt]);
    assert.ok(tf.memory().numTensors - before <= 0, 'leak');
    m.dispose();
  }
});

test('learned decoder log-variance stays above its floor: logvar = min + softplus(raw - min)', async () => {
  const { LEARNED_LOGVAR_MIN } = await import('../../../src/models/vae/config.js');
  const pts: DataShape = { kind: 'points', shape: [2], numClasses: null };
  const m = new VaeModel({ ...defaultConfig('vae', pts), hidden: [4], latent: 2 }, pts, new Rng(0));
  const vars = new Map(m.namedVariables());
  const last = [...vars.keys()].filter((k) => k.startsWith('dec.') && k.endsWith('bias')).pop()!;
  // raw outputs: mean part 0, log-variance part -1000 (far below the floor) and +3
  tf.tidy(() => {
    vars.get(last)!.assign(tf.tensor1d([0, 0, -1000, 3]));
    for (const [k, v] of vars) if (k.startsWith('dec.') && k.endsWith('kernel')) v.assign(tf.zerosLike(v));
  });
  const d = m.decode(tf.zeros([1, 2]));
  const lv = (d.logvar as tf.Tensor).dataSync();
  assert.ok(Math.abs(lv[0] - LEARNED_LOGVAR_MIN) < 1e-5, `floor ${lv[0]}`);
  const want = LEARNED_LOGVAR_MIN + Math.log1p(Math.exp(3 - LEARNED_LOGVAR_MIN));
  assert.ok(Math.abs(lv[1] - want) < 1e-4, `${lv[1]} vs ${want}`);
  m.dispose();
});
