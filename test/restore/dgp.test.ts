/**
 * DGP (src/restore/dgp.ts) on a tiny DCGAN (16 x 16, 4 channels, nz 8; untrained: the schedule
 * and the bookkeeping are under test, not the prior): the loss falls, the stages unfreeze the
 * generator's blocks in order (a block's weights move only from the stage that trains it on),
 * batch-norm statistics and the discriminator never move, 'fixed' trains z alone, and the
 * generator's weights are back as they were after every image; with noisy y the fit stops at the
 * noise level (the discrepancy principle) and returns the G(z) that reached it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/util/rng.js';
import { GanModel } from '../../src/models/gan/model.js';
import { defaultConfig } from '../../src/models/gan/config.js';
import { InpaintOperator } from '../../src/restore/operators/inpaint.js';
import { SuperResolutionOperator } from '../../src/restore/operators/super_resolution.js';
import { DenoiseOperator } from '../../src/restore/operators/denoise.js';
import { dgpRestore, sequentialBlocks, blockParameters, discriminatorFeatures, DGP_DEFAULTS, type DgpConfig } from '../../src/restore/dgp.js';
import { maxAbsDiff } from './helpers.js';

before(async () => {
  await tf.setBackend('cpu');
});

const data = { kind: 'images' as const, shape: [16, 16, 1], numClasses: null };

function tinyGan(): GanModel {
  const gan = new GanModel({ ...defaultConfig('ns', data), channels: 4, nz: 8 }, data, new Rng(0));
  gan.setTraining(false);
  return gan;
}

const snapshot = (vars: tf.Variable[]) => vars.map((v) => Float32Array.from(v.dataSync()));
const moved = (a: Float32Array[], b: Float32Array[]) => a.some((x, i) => maxAbsDiff(x, b[i]) > 0);

const config = (over: Partial<DgpConfig> = {}): DgpConfig => ({
  ...DGP_DEFAULTS,
  candidates: 20,
  stages: [
    { iterations: 15, blocks: 1, lrG: 5e-3, lrZ: 5e-2 },
    { iterations: 15, blocks: 2, lrG: 5e-3, lrZ: 2e-2 },
    { iterations: 15, blocks: 3, lrG: 5e-3, lrZ: 1e-2 },
  ],
  traceEvery: 1,
  ...over,
});

/** Two targets the generator can nearly make: its own outputs at other latents, in [0, 1]. */
function targets(gan: GanModel): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.add(gan.generate(tf.tensor2d(new Rng(5).normalArray(2 * 8), [2, 8])), 1), 0.5));
}

test('the blocks of genlab DCGANs: three generator blocks, two discriminator feature maps', () => {
  const gan = tinyGan();
  const g = sequentialBlocks(gan.generator);
  assert.equal(g.length, 3); // [Dense, reshape, BN, relu], [ConvT, BN, relu], [ConvT, tanh]
  assert.equal(g.map(blockParameters).flat().length, gan.generator.parameters().length);
  const f = discriminatorFeatures(gan.discriminator, tf.zeros([1, 16, 16, 1]), 5);
  assert.deepEqual(f.map((t) => t.shape), [[1, 8, 8, 4], [1, 4 * 4 * 8]]); // the second block ends with flatten, before the logit's Dense
  tf.dispose(f);
  gan.dispose();
});

test('DGP: the loss falls, stages unfreeze blocks first to last, BN statistics and D stay, G is restored', () => {
  const gan = tinyGan();
  const blocks = sequentialBlocks(gan.generator).map(blockParameters);
  const original = blocks.map(snapshot);
  const buffers = gan.generator.namedBuffers().map(([, v]) => v);
  const bnBefore = snapshot(buffers);
  const dBefore = snapshot(gan.discriminator.namedVariables().map(([, v]) => v));
  const op = new SuperResolutionOperator([16, 16, 1], 2);
  const x = targets(gan);
  const y = op.apply(x);
  const afterStage: Float32Array[][][] = [];
  const r = dgpRestore({
    prior: gan, op, y, config: config(), rng: new Rng(1),
    onStageEnd: (image, stage) => {
      if (image === 0) afterStage[stage] = blocks.map(snapshot);
      assert.ok(!moved(snapshot(buffers), bnBefore), 'batch-norm statistics moved');
    },
  });
  // stage s trains blocks 0..s: block b has moved after stage s exactly when b <= s
  for (let s = 0; s < 3; s++) for (let b = 0; b < 3; b++) assert.equal(moved(afterStage[s][b], original[b]), b <= s, `after stage ${s}, block ${b}`);
  for (const [i, p] of r.trace.entries()) assert.equal(p.blocks, p.stage + 1, `trace point ${i}`);
  assert.ok(r.trace.every((p) => p.feature > 0), "noise-free y: loss 'auto' keeps the feature term");
  for (const img of [0, 1]) {
    const t = r.trace.filter((p) => p.image === img);
    assert.ok(t[t.length - 1].loss < 0.5 * t[0].loss, `image ${img}: loss ${t[0].loss} -> ${t[t.length - 1].loss}`);
    for (let s = 0; s < 3; s++) {
      const st = t.filter((p) => p.stage === s);
      assert.ok(st[st.length - 1].loss < st[0].loss, `image ${img}, stage ${s}: ${st[0].loss} -> ${st[st.length - 1].loss}`);
    }
  }
  assert.ok(!moved(blocks.map(snapshot).flat(), original.flat()), 'generator weights not restored');
  assert.ok(!moved(snapshot(gan.discriminator.namedVariables().map(([, v]) => v)), dBefore), 'discriminator moved');
  assert.deepEqual(r.x.shape, [2, 16, 16, 1]);
  tf.dispose([x, y, r.x]);
  gan.dispose();
});

test("DGP ablations: 'fixed' trains z alone; 'mse' has no feature term; leak-free", () => {
  const gan = tinyGan();
  const blocks = sequentialBlocks(gan.generator).map(blockParameters);
  const original = blocks.map(snapshot);
  const op = InpaintOperator.fromSpec([16, 16, 1], { kind: 'box', size: 6 });
  const x = targets(gan);
  const y = op.apply(x);
  const before = tf.memory().numTensors;
  let movedAny = false;
  const r = dgpRestore({ prior: gan, op, y, config: config({ generator: 'fixed' }), rng: new Rng(2), onStageEnd: () => { movedAny ||= moved(blocks.map(snapshot).flat(), original.flat()); } });
  assert.equal(movedAny, false);
  assert.ok(r.trace.every((p) => p.blocks === 0));
  const t = r.trace.filter((p) => p.image === 0);
  assert.ok(t[t.length - 1].loss < t[0].loss);
  r.x.dispose();
  const m = dgpRestore({ prior: gan, op, y, config: config({ loss: 'mse' }), rng: new Rng(2) });
  assert.ok(m.trace.every((p) => p.feature === 0));
  m.x.dispose();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  tf.dispose([x, y]);
  gan.dispose();
});

test('DGP on noisy y: each fit stops where mean (A x - y)^2 first reaches tau sigma_y^2, and returns that x', () => {
  const gan = tinyGan();
  const sigma = 0.3;
  const op = new DenoiseOperator([16, 16, 1], sigma);
  const x = targets(gan);
  const y = tf.tidy(() => tf.add(x, tf.mul(tf.tensor(new Rng(3).normalArray(2 * 256), x.shape), sigma)));
  const before = tf.memory().numTensors;
  const r = dgpRestore({ prior: gan, op, y, config: config(), sigmaY: sigma, rng: new Rng(1) });
  const bound = DGP_DEFAULTS.discrepancyTau * sigma ** 2;
  assert.ok(DGP_DEFAULTS.discrepancyTau > 0 && DGP_DEFAULTS.discrepancyTau <= 1);
  const xs = r.x.arraySync() as number[][][][];
  const ys = y.arraySync() as number[][][][];
  for (const img of [0, 1]) {
    const stop = r.stops[img];
    assert.equal(stop.early, true, `image ${img} never reached the noise level`);
    const t = r.trace.filter((p) => p.image === img); // traceEvery 1: every iteration
    const last = t[t.length - 1];
    assert.deepEqual([last.stage, last.iteration], [stop.stage, stop.iteration]);
    assert.ok(last.mse <= bound, `stopped at mse ${last.mse}, above ${bound}`);
    assert.ok(t.slice(0, -1).every((p) => p.mse > bound), 'went on after reaching the noise level');
    assert.ok(t.every((p) => p.feature === 0), "noisy y: loss 'auto' drops the feature term");
    // the returned image is the G(z) whose data term stopped the fit
    const mse = xs[img].flat(2).reduce((acc, v, k) => acc + (v - ys[img].flat(2)[k]) ** 2, 0) / 256;
    assert.ok(Math.abs(mse - last.mse) < 1e-5, `returned x has mse ${mse}, the stop saw ${last.mse}`);
  }
  r.x.dispose();
  // tau 0 (and noise-free runs, sigmaY 0): every iteration of every stage runs
  const full = dgpRestore({ prior: gan, op, y, config: config({ discrepancyTau: 0 }), sigmaY: sigma, rng: new Rng(1) });
  assert.ok(full.stops.every((s) => !s.early && s.stage === 2 && s.iteration === 14));
  assert.ok(full.trace.filter((p) => p.image === 0).at(-1)!.mse < bound, 'without the stop the fit goes below the noise level');
  full.x.dispose();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  tf.dispose([x, y]);
  gan.dispose();
});
