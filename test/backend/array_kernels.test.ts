/**
 * The pack's array kernels (tiled Transpose, Slice, SplitV, Concat, zero-copy Identity) and the
 * fused GroupNorm against the cpu backend and tfjs's composite ops: values, gradients, no
 * buffers left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';
import { groupNorm } from '../../src/nn/group_norm_op.js';
import { batchNormTraining } from '../../src/nn/batch_norm_op.js';
import { silu } from '../../src/nn/activations.js';
import { leadingAxes } from '../../src/backend/kernels/sum.js';
import { transposeArray, canonicalTranspose } from '../../src/backend/kernels/transpose.js';
import { isTrailingBroadcast } from '../../src/backend/kernels/add.js';

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'same length');
  let num = 0;
  let den = 1e-6;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** Runs f on cpu and on wasm with the same inputs; returns every output of both and the wasm buffer growth. */
async function onBoth(inputs: { shape: number[]; values: Float32Array }[], f: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<[Float32Array[], Float32Array[], number]> {
  const out: Float32Array[][] = [];
  let leaked = 0;
  for (const backend of ['cpu', 'wasm'] as const) {
    await initBackend({ backend });
    const be = tf.backend() as unknown as { numDataIds(): number };
    const ts = inputs.map((i) => tf.tensor(i.values, i.shape));
    const before = be.numDataIds();
    const r = f(...ts);
    const ys = Array.isArray(r) ? r : [r];
    out.push(ys.map((y) => y.dataSync() as Float32Array));
    tf.dispose(ys);
    if (backend === 'wasm') leaked = be.numDataIds() - before;
    tf.dispose(ts);
  }
  return [out[0], out[1], leaked];
}

const rng = new Rng(11);
const rand = (shape: number[]) => ({ shape, values: rng.normalArray(shape.reduce((a, b) => a * b, 1)) });

const permutations = (n: number): number[][] =>
  n === 1 ? [[0]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));

test('transposeArray equals the index formula for every permutation of rank 1-5; canonical forms', () => {
  for (const shape of [[7], [3, 5], [2, 3, 4], [3, 1, 4, 5], [2, 3, 2, 3, 2]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: n }, (_, i) => i);
    for (const perm of permutations(shape.length)) {
      const outShape = perm.map((p) => shape[p]);
      const out = new Float32Array(n);
      transposeArray(x, shape, perm, out);
      // out[j_0..j_r] = x[i] with i_{perm[k]} = j_k
      const inStr = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
      for (let o = 0; o < n; o++) {
        let rem = o;
        let src = 0;
        for (let k = outShape.length - 1; k >= 0; k--) {
          src += (rem % outShape[k]) * inStr[perm[k]];
          rem = Math.floor(rem / outShape[k]);
        }
        assert.equal(out[o], x[src], `shape ${shape} perm ${perm} at ${o}`);
      }
    }
  }
  assert.deepEqual(canonicalTranspose([64, 28, 28, 32], [3, 0, 1, 2]), { shape: [50176, 32], perm: [1, 0] });
  assert.deepEqual(canonicalTranspose([64, 28, 28, 32], [3, 1, 2, 0]), { shape: [64, 784, 32], perm: [2, 1, 0] });
  assert.deepEqual(canonicalTranspose([2, 1, 3, 4], [0, 2, 1, 3]), { shape: [24], perm: [0] });
});

test('tiled Transpose equals cpu for every permutation of rank 2-4 and the layout changes of the conv gradients', async () => {
  // Each >= 4096 elements, the kernel's threshold; [128, 90] and [3, 64, 70] are 2-D and batched
  // 2-D cases that take the blocked wasm copy (rows a multiple of 64), with partial 16-blocks.
  const shapes = [[70, 90], [128, 90], [3, 64, 70], [16, 17, 18], [6, 7, 9, 11]];
  for (const shape of shapes) {
    for (const perm of permutations(shape.length)) {
      const [cpu, wasm, leaked] = await onBoth([rand(shape)], (t) => tf.transpose(t, perm));
      assert.equal(relErr(wasm[0], cpu[0]), 0, `transpose ${shape} by ${perm}`);
      assert.equal(leaked, 0);
    }
  }
  for (const perm of [[3, 1, 2, 0], [1, 2, 0, 3]]) {
    const [cpu, wasm] = await onBoth([rand([16, 28, 28, 32])], (t) => tf.transpose(t, perm));
    assert.equal(relErr(wasm[0], cpu[0]), 0, `transpose [16,28,28,32] by ${perm}`);
  }
});

test('Slice equals cpu for partial ranges on every axis and on several at once', async () => {
  const shape = [6, 16, 16, 12];
  const cases: [number[], number[]][] = [
    [[0, 1, 1, 0], [6, 14, 14, 12]], // the phase decomposition's crop
    [[0, 0, 0, 4], [6, 16, 16, 8]], // channels
    [[2, 0, 0, 0], [3, 16, 16, 12]], // batch: one contiguous run
    [[1, 3, 5, 2], [4, 9, 7, 9]],
    [[0, 15, 0, 0], [6, 1, 16, 12]],
  ];
  for (const [begin, size] of cases) {
    const [cpu, wasm, leaked] = await onBoth([rand(shape)], (t) => tf.slice(t, begin, size));
    assert.equal(relErr(wasm[0], cpu[0]), 0, `slice begin ${begin} size ${size}`);
    assert.equal(leaked, 0);
  }
});

test('SplitV and Concat along every axis equal cpu', async () => {
  for (let axis = 0; axis < 4; axis++) {
    const shape = [6, 5, 7, 9];
    const sizes = axis === 3 ? [2, 3, 4] : axis === 2 ? [7] : [1, shape[axis] - 1];
    const [cpu, wasm, leaked] = await onBoth([rand(shape)], (t) => tf.split(t, sizes, axis));
    cpu.forEach((c, i) => assert.equal(relErr(wasm[i], c), 0, `split axis ${axis} piece ${i}`));
    assert.equal(leaked, 0);
    const a = rand(shape);
    const bShape = shape.map((d, i) => (i === axis ? 3 : d));
    const [cpu2, wasm2, leaked2] = await onBoth([a, rand(bShape), a], (x, y, z) => tf.concat([x, y, z], axis));
    assert.equal(relErr(wasm2[0], cpu2[0]), 0, `concat axis ${axis}`);
    assert.equal(leaked2, 0);
  }
  // The U-Net's skip concatenation and its gradient (a split of the incoming gradient).
  const [cpu, wasm] = await onBoth([rand([4, 28, 28, 64]), rand([4, 28, 28, 32])], (x, y) =>
    tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.concat([p, q], 3))))([x, y]),
  );
  cpu.forEach((c, i) => assert.ok(relErr(wasm[i], c) < 1e-6, `concat gradient ${i}`));
});

test('zero-copy Identity: a clone outlives its source and keeps its values', async () => {
  await initBackend({ backend: 'wasm' });
  const be = tf.backend() as unknown as { numDataIds(): number };
  const before = be.numDataIds();
  const x = tf.tensor([1, 2, 3, 4], [2, 2]);
  const y = tf.clone(x);
  x.dispose();
  assert.deepEqual([...y.dataSync()], [1, 2, 3, 4]);
  y.dispose();
  assert.equal(be.numDataIds(), before);
});

test('fused GroupNorm: values and gradients equal the composite ops on cpu, on wasm and on cpu', async () => {
  for (const [shape, groups] of [[[3, 5, 4, 8], 4], [[2, 28, 28, 32], 8], [[2, 7, 7, 64], 8], [[4, 3, 3, 6], 1]] as [number[], number][]) {
    const C = shape[3];
    const x = { shape, values: rng.normalArray(shape.reduce((a, b) => a * b, 1)).map((v) => 3 + 2 * v) }; // offset mean: tests the two-pass variance
    const gamma = rand([C]);
    const beta = rand([C]);
    const w = rand(shape); // a non-uniform upstream gradient
    const run = (fused: boolean) => (xt: tf.Tensor, gt: tf.Tensor, bt: tf.Tensor, wt: tf.Tensor) => {
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(groupNorm(a, g, b, groups, 1e-5, fused), wt));
      return [groupNorm(xt, gt, bt, groups, 1e-5, fused), ...tf.grads(f)([xt, gt, bt])];
    };
    const [cpuRef] = await onBoth([x, gamma, beta, w], run(false));
    const [cpuFused, wasmFused, leaked] = await onBoth([x, gamma, beta, w], run(true));
    ['y', 'dx', 'dgamma', 'dbeta'].forEach((name, i) => {
      assert.ok(relErr(wasmFused[i], cpuRef[i]) < 1e-4, `wasm fused ${name} ${shape}: ${relErr(wasmFused[i], cpuRef[i])}`);
      assert.ok(relErr(cpuFused[i], cpuRef[i]) < 1e-4, `cpu fused ${name} ${shape}: ${relErr(cpuFused[i], cpuRef[i])}`);
    });
    assert.equal(leaked, 0);
  }
});

test('fused GroupNorm: no tensor growth over repeated training steps', async () => {
  await initBackend({ backend: 'wasm' });
  const x = tf.randomNormal([2, 6, 6, 8], 0, 1, 'float32', 1);
  const g = tf.variable(tf.ones([8]));
  const b = tf.variable(tf.zeros([8]));
  const opt = tf.train.adam(1e-2);
  const step = () => opt.minimize(() => tf.mean(tf.square(tf.sub(groupNorm(x, g, b, 4, 1e-5), 0.5))) as tf.Scalar, false, [g, b]);
  for (let i = 0; i < 3; i++) step();
  const n = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) step();
  assert.equal(tf.memory().numTensors, n);
  tf.dispose([x, g, b]);
  opt.dispose();
});

test('fused BatchNorm (GroupNorm kernels, one group per channel): values, gradients and batch statistics equal the composite', async () => {
  for (const shape of [[16, 7, 7, 12], [64, 10], [3, 5, 4, 8]]) {
    const C = shape[shape.length - 1];
    const x = { shape, values: rng.normalArray(shape.reduce((a, b) => a * b, 1)).map((v) => 3 + 2 * v) };
    const gamma = rand([C]);
    const beta = rand([C]);
    const w = rand(shape);
    const run = (fused: boolean) => (xt: tf.Tensor, gt: tf.Tensor, bt: tf.Tensor, wt: tf.Tensor) => {
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const r = batchNormTraining(a, g, b, 1e-5, fused);
        tf.dispose([r.mean, r.variance]);
        return tf.sum(tf.mul(r.y, wt));
      };
      const { y, mean, variance } = batchNormTraining(xt, gt, bt, 1e-5, fused);
      return [y, mean, variance, ...tf.grads(f)([xt, gt, bt])];
    };
    const [cpuRef] = await onBoth([x, gamma, beta, w], run(false));
    const [cpuFused, wasmFused, leaked] = await onBoth([x, gamma, beta, w], run(true));
    ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'].forEach((name, i) => {
      assert.ok(relErr(wasmFused[i], cpuRef[i]) < 1e-4, `wasm fused ${name} ${shape}: ${relErr(wasmFused[i], cpuRef[i])}`);
      assert.ok(relErr(cpuFused[i], cpuRef[i]) < 1e-4, `cpu fused ${name} ${shape}: ${relErr(cpuFused[i], cpuRef[i])}`);
    });
    assert.equal(leaked, 0);
  }
});

test('LeakyRelu, its fused gradient and the gradient of that gradient equal cpu', async () => {
  for (const shape of [[7, 5, 3], [16, 14, 14, 8]]) {
    const x = rand(shape);
    const v = rand(shape);
    const w = rand(shape);
    const [cpu, wasm, leaked] = await onBoth([x, v, w], (xt, vt, wt) => {
      const y = tf.leakyRelu(xt, 0.2);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(a, 0.2), vt)))(xt); // v * (x > 0 ? 1 : 0.2)
      // d/dv sum(w * d/dx sum(v * lrelu(x))) = w * (x > 0 ? 1 : 0.2): the second-order path WGAN-GP takes.
      const ddv = tf.grad((b: tf.Tensor) => tf.sum(tf.mul(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(a, 0.2), b)))(xt), wt)))(vt);
      return [y, dx, ddv];
    });
    // Not bit-equal: the cpu backend multiplies by alpha in float64, wasm in float32.
    ['y', 'dx', 'ddv'].forEach((name, i) => assert.ok(relErr(wasm[i], cpu[i]) < 1e-6, `${name} ${shape}: ${relErr(wasm[i], cpu[i])}`));
    assert.equal(leaked, 0);
  }
});

test('Relu through the fused gradient kernel (alpha 0), and the gradient of that gradient, equal cpu', async () => {
  for (const shape of [[7, 5, 3], [16, 14, 14, 8]]) {
    const x = rand(shape);
    const v = rand(shape);
    const w = rand(shape);
    const [cpu, wasm, leaked] = await onBoth([x, v, w], (xt, vt, wt) => {
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), vt)))(xt); // v * (x > 0)
      const ddv = tf.grad((b: tf.Tensor) => tf.sum(tf.mul(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), b)))(xt), wt)))(vt);
      return [dx, ddv];
    });
    ['dx', 'ddv'].forEach((name, i) => assert.equal(relErr(wasm[i], cpu[i]), 0, `${name} ${shape}`));
    assert.equal(leaked, 0);
  }
});

test('SiLU through the fused gradient kernel equals cpu; its second order equals the analytic one', async () => {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const g = (x: number) => sig(x) * (1 + x * (1 - sig(x))); // d silu / dx
  const g2 = (x: number) => sig(x) * (1 - sig(x)) * (2 + x * (1 - 2 * sig(x))); // d^2 silu / dx^2
  for (const x of [-3, -0.7, 0.2, 2.5]) assert.ok(Math.abs((g(x + 1e-5) - g(x - 1e-5)) / 2e-5 - g2(x)) < 1e-6, 'g2 is the derivative of g');
  for (const shape of [[7, 5, 3], [16, 14, 14, 8]]) {
    const x = rand(shape);
    const v = rand(shape);
    const w = rand(shape);
    const [cpu, wasm, leaked] = await onBoth([x, v, w], (xt, vt, wt) => {
      const y = silu(xt);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(silu(a), vt)))(xt);
      // Second order, both ways: through dy (ddv) and through x (ddx).
      const inner = (a: tf.Tensor, b: tf.Tensor) => tf.grad((c: tf.Tensor) => tf.sum(tf.mul(silu(c), b)))(a);
      const ddv = tf.grad((b: tf.Tensor) => tf.sum(tf.mul(inner(xt, b), wt)))(vt);
      const ddx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(inner(a, vt), wt)))(xt);
      return [y, dx, ddv, ddx];
    });
    ['y', 'dx', 'ddv'].forEach((name, i) => assert.ok(relErr(wasm[i], cpu[i]) < 1e-5, `${name} ${shape}: ${relErr(wasm[i], cpu[i])}`));
    // tfjs's own second order of x * sigmoid(x) (the cpu side) is wrong: the analytic one is the reference.
    const want = Float32Array.from(x.values, (xi, i) => g2(xi) * v.values[i] * w.values[i]);
    assert.ok(relErr(wasm[3], want) < 1e-5, `ddx ${shape}: ${relErr(wasm[3], want)}`);
    assert.equal(leaked, 0);
  }
});

test('Sum over leading axes (one f64 pass) and over other axes equals cpu', async () => {
  const cases: [number[], number | number[], boolean][] = [
    [[16, 7, 7, 12], [0, 1, 2], false], [[16, 7, 7, 12], [0, 1, 2], true], [[64, 40], 0, false], [[5, 6, 8], [1, 0], false],
    [[5, 6, 8], -3, true], [[5, 6, 7], [0, 1], false], [[5, 6, 8], [1, 2], false], [[5, 6, 8], [0, 1, 2], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    const [cpu, wasm, leaked] = await onBoth([rand(shape)], (t) => tf.sum(t, axis, keepDims));
    assert.ok(relErr(wasm[0], cpu[0]) < 1e-5, `sum ${shape} over ${axis}: ${relErr(wasm[0], cpu[0])}`);
    assert.equal(leaked, 0);
  }
  assert.equal(leadingAxes([0, 1, 2], 4), 3);
  assert.equal(leadingAxes([1, 0], 3), 2);
  assert.equal(leadingAxes([0, 2], 3), 0);
  assert.equal(leadingAxes([0, 1, 2], 3), 0);
});

test('Add of a bias or scalar broadcast along leading axes (one f32x4 pass) equals cpu, values and gradients', async () => {
  const cases: [number[], number[]][] = [
    [[6, 5, 4, 8], [8]], [[8], [6, 5, 4, 8]], [[7, 6272], [6272]], [[9, 5], [5]], [[3, 4, 6], [1, 1, 6]], [[3, 4, 6], [4, 6]],
    [[64, 3], [1]], [[1], [5, 7]], [[13], []], [[3, 7, 2], [1, 7, 2]],
    // the built-in's cases: equal shapes, a broadcast not along leading axes, both sides broadcasting
    [[5, 6], [5, 6]], [[3, 4, 5], [3, 1, 5]], [[3, 1], [1, 4]], [[4, 1, 6], [6]],
  ];
  for (const [sa, sb] of cases) {
    const [cpu, wasm, leaked] = await onBoth([rand(sa), rand(sb), rand(tf.broadcast_util.assertAndGetBroadcastShape(sa, sb))], (a, b, w) => {
      const [y, da, db] = [tf.add(a, b), ...tf.grads((x: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.add(x, c), w)))([a, b])];
      return [y, da, db];
    });
    ['y', 'da', 'db'].forEach((name, i) => assert.ok(relErr(wasm[i], cpu[i]) < 1e-5, `${sa} + ${sb}, ${name}: ${relErr(wasm[i], cpu[i])}`));
    assert.equal(leaked, 0, `${sa} + ${sb}: no buffers left behind`);
  }
  // y[r, c] = x[r, c] + b[c], checked against the formula itself (the odd width takes the scalar tail)
  await initBackend({ backend: 'wasm' });
  const y = tf.add(tf.reshape(tf.range(0, 15), [3, 5]), tf.tensor([100, 200, 300, 400, 500])).dataSync();
  assert.deepEqual(Array.from(y), Array.from({ length: 15 }, (_, i) => i + 100 * ((i % 5) + 1)));
  assert.equal(isTrailingBroadcast([4, 5, 6], [1, 6]), true);
  assert.equal(isTrailingBroadcast([4, 5, 6], [5, 6]), true);
  assert.equal(isTrailingBroadcast([4, 5, 6], []), true);
  assert.equal(isTrailingBroadcast([4, 5, 6], [5, 1]), false);
  assert.equal(isTrailingBroadcast([4, 5, 6], [1, 4, 5, 6]), false);
  assert.equal(isTrailingBroadcast([5, 6], [5, 6]), false);
});
