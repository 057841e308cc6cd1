/**
 * The DCGAN initialisation (weights N(0, 0.02), biases 0, batch-norm scales N(1, 0.02)) as the
 * image default, the layers' own defaults kept for 2-D points; and the generator's batch-norm
 * running statistics averaged with its EMA weights, in the run's final weights and checkpoints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { GanModel } from '../../../src/models/gan/model.js';
import { defaultConfig } from '../../../src/models/gan/config.js';
import { ganFamily } from '../../../src/models/gan/index.js';
import { train } from '../../../src/train/loop.js';
import { DEFAULT_TRAINING, deepMerge } from '../../../src/train/config.js';
import { loadWeights } from '../../../src/io/weights.js';
import type { DataShape, TrainingConfig } from '../../../src/train/types.js';
import { Rng } from '../../../src/util/rng.js';

await initBackend({ backend: 'cpu' });
const images: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };

function moments(v: tf.Tensor): { mean: number; std: number } {
  const x = Array.from(v.dataSync() as Float32Array);
  const mean = x.reduce((s, a) => s + a, 0) / x.length;
  return { mean, std: Math.sqrt(x.reduce((s, a) => s + (a - mean) ** 2, 0) / x.length) };
}

test('dcgan init: N(0, 0.02) weights, zero biases, N(1, 0.02) scales, statistics untouched; seeded', () => {
  const c = defaultConfig('ns', images);
  assert.equal(c.init, 'dcgan');
  assert.equal(defaultConfig('ns', { kind: 'points', shape: [2], numClasses: 0 }).init, 'torch');
  const m = new GanModel(c, images, new Rng(3));
  let weights = 0;
  for (const [name, v] of m.namedVariables()) {
    const leaf = name.split('.').pop()!;
    const { mean, std } = moments(v);
    if (leaf === 'kernel' || leaf === 'filter') {
      weights++;
      // The sample std of n normals is within ~4 sqrt(1/(2n)) relative of the truth.
      const tol = 4 / Math.sqrt(2 * v.size);
      assert.ok(Math.abs(std / 0.02 - 1) < tol, `${name}: std ${std}`);
      assert.ok(Math.abs(mean) < (4 * 0.02) / Math.sqrt(v.size), `${name}: mean ${mean}`);
    } else if (leaf === 'gamma') {
      assert.ok(Math.abs(mean - 1) < (4 * 0.02) / Math.sqrt(v.size) && Math.abs(std / 0.02 - 1) < 0.5, `${name}: ${mean} +- ${std}`);
    } else if (leaf === 'bias' || leaf === 'beta' || leaf === 'running_mean') {
      assert.equal(Math.max(...Array.from(v.dataSync() as Float32Array, Math.abs)), 0, name);
    } else if (leaf === 'running_var') {
      assert.deepEqual([...new Set(v.dataSync() as Float32Array)], [1], name);
    } else assert.fail(`unexpected variable ${name}`);
  }
  assert.equal(weights, 6); // G: dense, 2 convT; D: 2 conv, dense
  // The layers' defaults for comparison: U(-1/sqrt(f), 1/sqrt(f)) has std 1/sqrt(3 f), for the
  // discriminator's first 4x4x1 filter 1/sqrt(48) = 0.144, far from 0.02.
  const torch = new GanModel({ ...c, init: 'torch' }, images, new Rng(3));
  const first = torch.namedVariables().find(([n]) => n === 'discriminator.0.filter')![1];
  assert.ok(Math.abs(moments(first).std - 1 / Math.sqrt(48)) < 0.02, `torch init std ${moments(first).std}`);
  const again = new GanModel(c, images, new Rng(3));
  m.namedVariables().forEach(([n, v], i) => assert.deepEqual(v.dataSync(), again.namedVariables()[i][1].dataSync(), n));
  [m, torch, again].forEach((x) => x.dispose());
});

test("the generator's batch-norm statistics are averaged with its EMA weights", async () => {
  const m = new GanModel(defaultConfig('ns', images), images, new Rng(0));
  const names = (vs: tf.Variable[]) => vs.map((v) => m.namedVariables().find(([, w]) => w === v)![0]).sort();
  assert.deepEqual(names(m.emaBuffers()), ['generator.2.running_mean', 'generator.2.running_var', 'generator.5.running_mean', 'generator.5.running_var']);
  m.dispose();

  const d = ganFamily.defaults(images, 'mnist', { modelConfig: { loss: 'ns' } });
  Object.assign(d.model, { channels: 4, nz: 8 }); // small: the cpu backend's convolutions are slow
  const training = deepMerge(deepMerge(DEFAULT_TRAINING, d.training), { data: 'mnist', seed: 0, steps: 12, epochs: null, batch: 16, logEvery: 0, sampleEvery: 0, checkpointEvery: 12, ema: { decay: 0.9 } }) as TrainingConfig;
  training.optimizers = d.training.optimizers!;
  const out = join(mkdtempSync(join(tmpdir(), 'genlab-gan-ema-')), 'run');
  await train(ganFamily, { genlab: 'test', model: 'gan', training, modelConfig: d.model }, { out, resume: false, backend: 'cpu', quiet: true });
  const final = (await loadWeights(join(out, 'model'), 'model')).tensors;
  const live = (await loadWeights(join(out, 'checkpoints', 'step-0000012'), 'model')).tensors;
  const ema = (await loadWeights(join(out, 'checkpoints', 'step-0000012'), 'ema')).tensors;
  for (const name of ['generator.2.running_mean', 'generator.5.running_var']) {
    assert.ok(ema.has(name), `${name} in the checkpoint's EMA`);
    assert.deepEqual(final.get(name)!.dataSync(), ema.get(name)!.dataSync(), `${name}: the final weights carry the averaged statistics`);
    const gap = Math.max(...final.get(name)!.dataSync().map((v, i) => Math.abs(v - live.get(name)!.dataSync()[i])));
    assert.ok(gap > 1e-4, `${name}: averaged differs from live (${gap})`);
  }
  // The discriminator's statistics are not averaged (only the generator samples).
  assert.ok(!ema.has('discriminator.3.running_mean'));
  tf.dispose([...final.values(), ...live.values(), ...ema.values()]);
});
