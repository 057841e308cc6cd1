/**
 * The translation metrics (src/eval/translation.ts) against the same quantities computed
 * directly from the networks (G, F and each domain's classifier called by hand, the [-1, 1]
 * scaling and the grey <-> RGB conversion done here), on 30 test images of mnist and mnist-m.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { loadSource, type ImageDataset } from '../../src/data/index.js';
import { Rng } from '../../src/util/rng.js';
import { CycleganModel } from '../../src/models/cyclegan/model.js';
import { defaultConfig } from '../../src/models/cyclegan/config.js';
import { ClassifierModel } from '../../src/models/classifier/index.js';
import { classifierConfigSchema } from '../../src/models/classifier/config.js';
import { evaluateTranslation } from '../../src/eval/translation.js';
import { fid } from '../../src/eval/fid.js';
import type { FeatureNet } from '../../src/eval/features.js';
import type { LoadedRun } from '../../src/train/load_run.js';
import type { DataShape } from '../../src/train/types.js';

await initBackend({ backend: 'wasm', threads: 1 });

const N = 30;
const A: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };
const B: DataShape = { kind: 'images', shape: [28, 28, 3], numClasses: 10 };

function net(data: DataShape, seed: number): FeatureNet {
  const model = new ClassifierModel(classifierConfigSchema.defaults({ data, source: 'mnist' }), data, new Rng(seed));
  model.setTraining(false);
  const run = { dir: 'test', config: {}, family: {}, model, data } as unknown as LoadedRun; // extract reads run.data only
  return { run, model, name: `untrained ${data.shape.join('x')}` };
}

test('preservation, cycle L1 and FID equal their definitions computed by hand', async () => {
  const a = (await loadSource('mnist:test', { limit: N })) as ImageDataset;
  const b = (await loadSource('mnist-m:test', { limit: N })) as ImageDataset;
  const model = new CycleganModel({ ...defaultConfig(), generatorChannels: 4, resBlocks: 1, discriminatorChannels: 4 }, { ...A, streams: { b: B } }, new Rng(2));
  model.setTraining(false);
  const netA = net(A, 1);
  const netB = net(B, 2);
  const r = evaluateTranslation({ model, a, b, netA, netB, n: N, metrics: ['preservation', 'cycle', 'fid'] });

  const want = tf.tidy(() => {
    const xa = tf.tensor4d(a.pixels, [N, 28, 28, 1]);
    const xb = tf.tensor4d(b.pixels, [N, 28, 28, 3]);
    const toNet = (x: tf.Tensor) => tf.sub(tf.mul(x, 2), 1); // [0, 1] -> [-1, 1]
    const fromNet = (y: tf.Tensor) => tf.div(tf.add(y, 1), 2);
    const gA = model.g.apply(toNet(tf.tile(xa, [1, 1, 1, 3]))); // G(a), RGB in [-1, 1]
    const fB = model.f.apply(toNet(xb)); // F(b), 3 channels for grey domain A
    const abImages = fromNet(gA);
    const baImages = fromNet(tf.mean(fB, 3, true)); // A is grey: the channel mean
    const recA = fromNet(tf.mean(model.f.apply(gA), 3, true));
    const recB = fromNet(model.g.apply(fB));
    const accuracy = (probs: tf.Tensor, labels: Int32Array) => tf.mean(tf.cast(tf.equal(tf.argMax(probs, 1), tf.tensor1d(labels, 'int32')), 'float32')).dataSync()[0];
    const feats = (m: ClassifierModel, x: tf.Tensor) => m.net.features(x).dataSync() as Float32Array;
    const dim = netA.model.config.features;
    return {
      preservation_a2b: accuracy(netB.model.predict(abImages), a.labels!),
      preservation_b2a: accuracy(netA.model.predict(baImages), b.labels!),
      cycle_l1_a: tf.mean(tf.abs(tf.sub(recA, xa))).dataSync()[0],
      cycle_l1_b: tf.mean(tf.abs(tf.sub(recB, xb))).dataSync()[0],
      fid_a: fid(feats(netA.model, baImages), feats(netA.model, xa), N, N, dim),
      fid_b: fid(feats(netB.model, abImages), feats(netB.model, xb), N, N, dim),
    };
  });
  assert.equal(r.n, N);
  // (tf's mean is float32: 3/30 comes back as 0.10000000149)
  for (const k of ['preservation_a2b', 'preservation_b2a'] as const) assert.ok(Math.abs(r[k] - want[k]) < 1e-6, `${k}: ${r[k]} vs ${want[k]}`);
  for (const k of ['cycle_l1_a', 'cycle_l1_b'] as const) assert.ok(Math.abs(r[k] - want[k]) < 1e-5, `${k}: ${r[k]} vs ${want[k]}`);
  for (const k of ['fid_a', 'fid_b'] as const) assert.ok(Math.abs(r[k] - want[k]) < 1e-3 * Math.max(1, want[k]), `${k}: ${r[k]} vs ${want[k]}`);
  assert.ok(want.fid_a > 0 && want.fid_b > 0);
  // Only what is asked for
  const cyc = evaluateTranslation({ model, a, b, n: 10, metrics: ['cycle'] });
  assert.deepEqual(Object.keys(cyc).sort(), ['cycle_l1_a', 'cycle_l1_b', 'n']);
  model.dispose();
  netA.model.dispose();
  netB.model.dispose();
});
