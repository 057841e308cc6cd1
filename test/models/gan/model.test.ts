/** GanModel steps: critic/generator alternation, no tensor leaks, and sampling conventions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend/index.js';
import { GanModel } from '../../../src/models/gan/model.js';
import { defaultConfig } from '../../../src/models/gan/config.js';
import { Rng } from '../../../src/util/rng.js';
import type { DataShape, StepContext } from '../../../src/train/types.js';

/** A StepContext that applies plain SGD and records which groups were optimised. */
function sgdContext(model: GanModel, step: number, rng: Rng, calls: string[]): StepContext {
  const groups = model.paramGroups();
  return {
    step,
    rng,
    optimize(group, lossFn, aux) {
      calls.push(group);
      let auxValues: Record<string, number> = {};
      const { value, grads } = tf.variableGrads(() => {
        const l = lossFn();
        if (aux) auxValues = Object.fromEntries(Object.entries(aux()).map(([k, v]) => [k, v.dataSync()[0]]));
        return l;
      }, groups[group]);
      tf.tidy(() => {
        for (const v of groups[group]) v.assign(tf.sub(v, tf.mul(1e-3, grads[v.name])));
      });
      const loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      return { loss, gradNorm: 1, aux: auxValues };
    },
  };
}

for (const [loss, data] of [
  ['wgan-gp', { kind: 'points', shape: [2], numClasses: null }],
  ['ns', { kind: 'images', shape: [28, 28, 1], numClasses: 10 }],
  ['wgan', { kind: 'images', shape: [28, 28, 1], numClasses: 10 }],
] as [string, DataShape][]) {
  test(`${loss} on ${data.kind}: generator every criticSteps-th step, tensors flat across steps`, async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    const cfg = { ...defaultConfig(loss as 'ns', data), channels: 8 };
    const model = new GanModel(cfg, data, new Rng(0));
    const rng = new Rng(1);
    const x = data.kind === 'points' ? tf.tensor2d(rng.normalArray(16 * 2), [16, 2]) : tf.tensor4d(rng.uniformArray(8 * 784, -1, 1), [8, 28, 28, 1]);
    const counts: number[] = [];
    const calls: string[] = [];
    for (let s = 0; s < 2 * cfg.criticSteps + 1; s++) {
      const m = model.trainStep({ x }, sgdContext(model, s, rng, calls));
      assert.ok(Number.isFinite(m.loss) && Number.isFinite(m.d_real) && Number.isFinite(m.d_fake), JSON.stringify(m));
      if (s >= cfg.criticSteps - 1) assert.ok(Number.isFinite(m.g_loss), 'g_loss reported once G has stepped');
      counts.push(tf.memory().numTensors);
    }
    assert.equal(calls.filter((c) => c === 'discriminator').length, 2 * cfg.criticSteps + 1);
    assert.equal(calls.filter((c) => c === 'generator').length, Math.floor((2 * cfg.criticSteps + 1) / cfg.criticSteps));
    assert.ok(counts.every((c) => c === counts[0]), `numTensors across steps: ${counts.join(',')}`);
    // Samples: images in [0, 1] with the data's shape.
    model.setTraining(false);
    const s = model.sample(3, new Rng(2));
    assert.deepEqual(s.shape, [3, ...data.shape]);
    if (data.kind === 'images') {
      const v = s.dataSync();
      assert.ok(Math.min(...v) >= 0 && Math.max(...v) <= 1);
    }
    tf.dispose([s, x]);
    model.dispose();
  });
}
