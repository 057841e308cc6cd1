/**
 * genlab's layers against PyTorch: outputs and input gradients recorded by
 * scripts/golden_torch.py (test/fixtures/torch_layers.json), on the cpu and wasm backends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Conv2d, ConvTranspose2d, GroupNorm, BatchNorm, Dense } from '../../src/nn/index.js';
import type { Module } from '../../src/nn/index.js';
import { Rng } from '../../src/util/rng.js';

interface Case {
  x: number[]; x_shape: number[]; y: number[]; y_shape: number[]; g: number[]; dx: number[];
  weights: Record<string, number[]>; weight_shapes: Record<string, number[]>;
  running_mean?: number[]; running_var?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch_layers.json', import.meta.url), 'utf8')) as { cases: Record<string, Case> };

function build(name: string): Module & { apply(x: tf.Tensor): tf.Tensor } {
  const rng = new Rng(1);
  let m = /^conv_(\d+)_(\d+)_k(\d+)_s(\d+)_p(\d+)$/.exec(name);
  if (m) return new Conv2d(rng, +m[1], +m[2], +m[3], { stride: +m[4], padding: +m[5] });
  m = /^convt_(\d+)_(\d+)_k(\d+)_s(\d+)_p(\d+)_op(\d+)$/.exec(name);
  if (m) return new ConvTranspose2d(rng, +m[1], +m[2], +m[3], { stride: +m[4], padding: +m[5], outputPadding: +m[6] });
  m = /^groupnorm_(\d+)_(\d+)$/.exec(name);
  if (m) return new GroupNorm(+m[1], +m[2]);
  m = /^batchnorm_(\d+)$/.exec(name);
  if (m) return new BatchNorm(+m[1]);
  m = /^dense_(\d+)_(\d+)$/.exec(name);
  if (m) return new Dense(rng, +m[1], +m[2]);
  throw new Error(`no layer for ${name}`);
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 1e-6;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

for (const backend of ['cpu', 'wasm']) {
  test(`layers match PyTorch outputs and input gradients on ${backend}`, async () => {
    await tf.setBackend(backend);
    await tf.ready();
    for (const [name, c] of Object.entries(fixture.cases)) {
      const layer = build(name);
      const vars = new Map(layer.namedParameters());
      for (const [wname, values] of Object.entries(c.weights)) {
        const v = vars.get(wname);
        assert.ok(v, `${name}: layer has no parameter ${wname}`);
        assert.deepEqual(v.shape, c.weight_shapes[wname], `${name}.${wname} shape`);
        v.assign(tf.tensor(values, c.weight_shapes[wname]));
      }
      const before = tf.memory().numTensors;
      const x = tf.tensor(c.x, c.x_shape);
      const g = tf.tensor(c.g, c.y_shape);
      const { value, grad } = tf.valueAndGrad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi), g)))(x);
      const y = layer.apply(x);
      assert.deepEqual(y.shape, c.y_shape, `${name} output shape`);
      const ey = maxRelErr(y.dataSync(), c.y);
      const edx = maxRelErr(grad.dataSync(), c.dx);
      assert.ok(ey < 1e-4, `${name} output rel. error ${ey}`);
      assert.ok(edx < 1e-4, `${name} input-gradient rel. error ${edx}`);
      if (c.running_mean && layer instanceof BatchNorm) {
        // Two forward passes in training mode (grad + plain) moved the running stats twice.
        const m = 0.1;
        const expectMean = c.running_mean.map((r) => r * (2 - m)); // r1 = m*s; r2 = (1-m) m s + m s
        const expectVar = c.running_var!.map((r) => (1 - m) * r + (r - (1 - m)));
        assert.ok(maxRelErr(layer.runningMean.dataSync(), expectMean) < 1e-4, 'running mean');
        assert.ok(maxRelErr(layer.runningVar.dataSync(), expectVar) < 1e-4, 'running var');
      }
      tf.dispose([x, g, value, grad, y]);
      assert.equal(tf.memory().numTensors, before, `${name} leaked tensors`);
      layer.dispose();
    }
  });
}

test('ConvTranspose2d follows PyTorch size rule (H-1)s - 2p + k + op', () => {
  const rng = new Rng(0);
  const up = new ConvTranspose2d(rng, 4, 2, 4, { stride: 2, padding: 1 });
  assert.equal(up.outputSize(7), 14);
  const up2 = new ConvTranspose2d(rng, 4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
  assert.equal(up2.outputSize(14), 28);
  up.dispose();
  up2.dispose();
});
