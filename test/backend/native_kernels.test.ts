/**
 * The native kernels (native/, through src/backend/native) against the cpu backend over the
 * kernel pack's shape grid (kernel_grid.ts): products with every transpose and batch
 * broadcast, convolutions forward (with dilation), their input and filter gradients and
 * transposed convolutions, each by every convolution path the addon has; relative error
 * below 1e-4, backend.numDataIds() unchanged, and the calls really native. Skipped, saying
 * why, only when the addon is not built (and then failed under GENLAB_NATIVE=on).
 */
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, describeBackend } from '../../src/backend/index.js';
import { loadAddon } from '../../src/backend/native/addon.js';
import { enableNative, describeNative, nativeCalls, nativeStatus, parallelMinFromEnv, DEFAULT_PARALLEL_MIN } from '../../src/backend/native/index.js';
import { UserError } from '../../src/util/errors.js';
import { ADAM_UPDATE, adamUpdateConfigs, type AdamStep } from '../../src/backend/kernels/adam_update.js';
import { registerOnce } from '../../src/backend/kernels/register.js';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { relErr, onBoth, runOn, rand, convCases, transposeCases, matMulCases, type Pad } from './kernel_grid.js';

const { addon, reason } = loadAddon();

function skipUnlessBuilt(t: { skip(msg: string): void }): boolean {
  if (addon) return false;
  if (process.env.GENLAB_NATIVE === 'on') assert.fail(`GENLAB_NATIVE=on but the native addon is ${reason}`);
  t.skip(`native addon ${reason}`);
  return true;
}

/** The addon's convolution paths: 0 its default choice, 1 im2col + sgemm, 2 oneDNN for every call. */
const convImpls = (): (0 | 1 | 2)[] => (addon?.info().dnnl ? [0, 1, 2] : [1]);

async function checked(
  label: string,
  inputs: { shape: number[]; values: Float32Array }[],
  f: (...t: tf.Tensor[]) => tf.Tensor,
  kind: 'conv' | 'gemm' | 'unary',
): Promise<void> {
  const calls = nativeCalls[kind];
  const [cpu, native, leaked] = await onBoth(inputs, f, 'on');
  assert.ok(nativeCalls[kind] > calls, `${label}: ran natively`);
  assert.equal(native.length, cpu.length, label);
  const e = relErr(native, cpu);
  assert.ok(e < 1e-4, `${label}: relative error ${e}`);
  assert.equal(leaked, 0, `${label}: no buffers left behind`);
}

test('native Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput equal cpu over the grid, every convolution path', async (t) => {
  if (skipUnlessBuilt(t)) return;
  // Large enough to run on every thread (>= 2^25 multiply-adds: 4 x 28 x 28 x 9 x 32 x 48 = 43M),
  // each direction. The cpu references are computed once for all paths: the cpu backend's
  // filter gradient alone took 45 s per call at twice this size.
  const pad1: Pad = [[0, 0], [1, 1], [1, 1], [0, 0]];
  const large = [rand([4, 28, 28, 32]), rand([3, 3, 32, 48])];
  const largeOps: [string, (x: tf.Tensor, w: tf.Tensor) => tf.Tensor][] = [
    ['forward', (xt, wt) => tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, 1, pad1)],
    ['filter grad', (xt, wt) => tf.grad((ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xt as tf.Tensor4D, ww as tf.Tensor4D, 1, pad1))))(wt)],
    ['input grad', (xt, wt) => tf.grad((xx: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, wt as tf.Tensor4D, 1, pad1))))(xt)],
  ];
  const largeRefs: Float32Array[] = [];
  for (const [, f] of largeOps) largeRefs.push((await runOn('cpu', large, f))[0]);
  try {
    for (const impl of convImpls()) {
      addon!.setConvImpl(impl);
      for (const c of convCases) {
        const x = rand(c.x);
        const w = rand([c.k, c.k, c.ci, c.co]);
        const tag = `impl ${impl} k${c.k} s${c.s} x ${c.x} pad ${JSON.stringify(c.pad)}`;
        await checked(`forward ${tag}`, [x, w], (xt, wt) => tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, c.s, c.pad), 'conv');
        await checked(`filter grad ${tag}`, [x, w], (xt, wt) =>
          tf.grad((ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xt as tf.Tensor4D, ww as tf.Tensor4D, c.s, c.pad))))(wt), 'conv');
        await checked(`input grad ${tag}`, [x, w], (xt, wt) =>
          tf.grad((xx: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, wt as tf.Tensor4D, c.s, c.pad))))(xt), 'conv');
        if (c.s === 1 && c.k > 1 && c.x[1] >= 2 * c.k) {
          await checked(`forward dilation 2 ${tag}`, [x, w], (xt, wt) => tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, 1, c.pad, 'NHWC', 2), 'conv');
        }
      }
      for (const [i, [name, f]] of largeOps.entries()) {
        const label = `${name} large impl ${impl}`;
        const calls = nativeCalls.conv;
        const [native, leaked] = await runOn('wasm', large, f, 'on');
        assert.ok(nativeCalls.conv > calls, `${label}: ran natively`);
        assert.equal(native.length, largeRefs[i].length, label);
        const e = relErr(native, largeRefs[i]);
        assert.ok(e < 1e-4, `${label}: relative error ${e}`);
        assert.equal(leaked, 0, `${label}: no buffers left behind`);
      }
      for (const [h, k, out, pads] of transposeCases) {
        const x = rand([2, h, h, 6]);
        const w = rand([k, k, 3, 6]);
        await checked(`conv2dTranspose ${h} -> ${out} impl ${impl}`, [x, w], (xt, wt) =>
          tf.conv2dTranspose(xt as tf.Tensor4D, wt as tf.Tensor4D, [2, out, out, 3], 2, pads as unknown as Pad & 'same'), 'conv');
        // ... and to one channel (the generator's last layer), where the default path is im2col.
        const w1 = rand([k, k, 1, 6]);
        await checked(`conv2dTranspose ${h} -> ${out} x1 impl ${impl}`, [x, w1], (xt, wt) =>
          tf.conv2dTranspose(xt as tf.Tensor4D, wt as tf.Tensor4D, [2, out, out, 1], 2, pads as unknown as Pad & 'same'), 'conv');
      }
    }
  } finally {
    addon!.setConvImpl(0);
  }
});

test('native BatchMatMul equals cpu: every transpose, batches, broadcast batches, large operands', async (t) => {
  if (skipUnlessBuilt(t)) return;
  for (const { ta, tb, batch, n } of matMulCases) {
    const a = rand(ta ? [batch, 7, 5] : [batch, 5, 7]);
    const b = rand(tb ? [batch, n, 7] : [batch, 7, n]);
    await checked(`matmul ta=${ta} tb=${tb} batch=${batch} n=${n}`, [a, b], (at, bt) => tf.matMul(at as tf.Tensor3D, bt as tf.Tensor3D, ta, tb), 'gemm');
  }
  for (const tb of [false, true]) {
    for (const batch of [1, 2]) {
      const a = rand([batch, 6, 256]);
      const b = rand(tb ? [batch, 300, 256] : [batch, 256, 300]);
      await checked(`matmul 6x256x300 tb=${tb} batch=${batch}`, [a, b], (at, bt) => tf.matMul(at as tf.Tensor3D, bt as tf.Tensor3D, false, tb), 'gemm');
    }
  }
  // One side shared by every batch entry, either side; rank 2 x rank 2 (dense layers); rank 4.
  await checked('matmul [3,5,7] x [1,7,4]', [rand([3, 5, 7]), rand([1, 7, 4])], (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D), 'gemm');
  await checked('matmul [1,5,7] x [3,7,4]^T', [rand([1, 5, 7]), rand([3, 4, 7])], (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, true), 'gemm');
  await checked('matmul [33,70] x [70,19]', [rand([33, 70]), rand([70, 19])], (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), 'gemm');
  // K = 1 (outer products, the addon's own loop), either way round; and one large enough to run
  // on every thread (>= 2^26 multiply-adds).
  await checked('matmul [64,1] x [1,50]', [rand([64, 1]), rand([1, 50])], (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), 'gemm');
  await checked('matmul [1,64]^T x [50,1]^T', [rand([1, 64]), rand([50, 1])], (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, true), 'gemm');
  await checked('matmul [256,512] x [512,512]', [rand([256, 512]), rand([512, 512])], (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), 'gemm');
  await checked('matmul [2,3,5,7]^T x [2,3,5,4]', [rand([2, 3, 5, 7]), rand([2, 3, 5, 4])], (a, b) => tf.matMul(a as tf.Tensor4D, b as tf.Tensor4D, true, false), 'gemm');
});

test('split products (slabs of C on 2 and 3 threads: columns, rows, batch entries, uneven and empty slabs) equal cpu', async (t) => {
  if (skipUnlessBuilt(t)) return;
  if (!addon!.setParallelMin) assert.fail('the addon has no setParallelMin: rebuild it (node scripts/build-native.mjs)');
  const splitChecked = async (label: string, threads: number, inputs: { shape: number[]; values: Float32Array }[], f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => {
    const [cpu] = await runOn('cpu', inputs, f);
    await initBackend({ backend: 'wasm', native: 'on' });
    enableNative({ mode: 'on', threads });
    addon!.setParallelMin!(2 ** 52, 2 ** 52, 0); // every product split, none on the library's pool
    assert.equal(addon!.info().threads, threads);
    const calls = nativeCalls.gemm;
    const native = tf.tidy(() => f(tf.tensor(inputs[0].values, inputs[0].shape), tf.tensor(inputs[1].values, inputs[1].shape)).dataSync().slice());
    assert.ok(nativeCalls.gemm > calls, `${label}: ran natively`);
    assert.ok(relErr(native, cpu) < 1e-4, `${label}: relative error ${relErr(native, cpu)}`);
  };
  try {
    for (const threads of [2, 3]) {
      // [m, n]: n >= m splits columns on multiples of 16 (20: 16 + 4; 8: one slab, the others
      // empty; 100: 48 + 48 + 4 on 3); m > n splits rows on multiples of 8 (37: 16 + 21 or 8 + 16 + 13).
      for (const [m, n] of [[5, 20], [8, 8], [3, 100], [37, 5], [64, 33]]) {
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
          for (const [batchA, batchB] of [[1, 1], [3, 3], [3, 1], [1, 4]]) {
            const k = 7;
            const a = rand(ta ? [batchA, k, m] : [batchA, m, k]);
            const b = rand(tb ? [batchB, n, k] : [batchB, k, n]);
            await splitChecked(`split ${threads} threads [${batchA},${m},${k}] x [${batchB},${k},${n}] ta=${ta} tb=${tb}`, threads, [a, b], (at, bt) => tf.matMul(at as tf.Tensor3D, bt as tf.Tensor3D, ta, tb));
          }
        }
      }
      // A dense layer's three products at mlp-vae's sizes.
      const x = rand([128, 784]);
      const w = rand([784, 512]);
      const g = rand([128, 512]);
      await splitChecked(`split ${threads} threads forward`, threads, [x, w], (xt, wt) => tf.matMul(xt as tf.Tensor2D, wt as tf.Tensor2D));
      await splitChecked(`split ${threads} threads dW`, threads, [x, g], (xt, gt) => tf.matMul(xt as tf.Tensor2D, gt as tf.Tensor2D, true, false));
      await splitChecked(`split ${threads} threads dX`, threads, [g, w], (gt, wt) => tf.matMul(gt as tf.Tensor2D, wt as tf.Tensor2D, false, true));
    }
  } finally {
    addon!.setParallelMin(DEFAULT_PARALLEL_MIN.gemm, DEFAULT_PARALLEL_MIN.conv, DEFAULT_PARALLEL_MIN.split);
  }
});

/** Element by element: NaN where cpu has NaN, equal infinities and zeros, else relative error below 1e-5. */
function assertElementwiseClose(label: string, got: Float32Array, want: Float32Array): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i], want[i]];
    if (Number.isNaN(w) || !Number.isFinite(w) || w === 0) {
      assert.ok(Object.is(g, w) || (Number.isNaN(w) && Number.isNaN(g)) || (w === 0 && g === 0), `${label}[${i}]: ${g} vs ${w}`);
    } else {
      assert.ok(Math.abs(g - w) <= 1e-5 * Math.abs(w), `${label}[${i}]: ${g} vs ${w} (relative ${Math.abs(g - w) / Math.abs(w)})`);
    }
  }
}

test('native Exp and Log1p equal cpu element by element: vector bodies, tails, over- and underflow, NaN, infinities', async (t) => {
  if (skipUnlessBuilt(t)) return;
  // exp: e^-20..e^20 and beyond float32's range both ways; log1p: (-1, 30], tiny arguments where
  // log1p(x) ~ x must keep its relative accuracy, -1 (-Infinity) and below (NaN).
  const special = { exp: [0, -0, 1, -1, 88.5, 89, -87, -104, -200, Infinity, -Infinity, NaN], log1p: [0, 1e-8, -1e-8, 1e-30, -0.5, -1, -2, 1e30, Infinity, NaN] };
  for (const [name, op, values] of [['exp', tf.exp, (u: number) => 40 * u - 20], ['log1p', tf.log1p, (u: number) => Math.exp(5 * u) * 1.001 - 1]] as const) {
    for (const n of [1, 7, 8, 9, 1000, 100003]) {
      const u = rand([n]).values;
      const x = Float32Array.from(u, (g) => values(1 / (1 + Math.exp(-g))));
      const extra = special[name];
      if (n >= extra.length) x.set(extra, n - extra.length);
      const calls = nativeCalls.unary;
      const [cpu] = await runOn('cpu', [{ shape: [n], values: x }], (a) => op(a));
      const [native, leaked] = await runOn('wasm', [{ shape: [n], values: x }], (a) => op(a), 'on');
      assert.ok(nativeCalls.unary > calls, `${name} n=${n}: ran natively`);
      assert.equal(leaked, 0, `${name} n=${n}: no buffers left behind`);
      assertElementwiseClose(`${name} n=${n}`, native, cpu);
    }
  }
  // In a graph: exp's gradient is exp itself (dy exp(x)), log1p's 1 / (1 + x).
  await checked('grad of sum(log1p(exp(x)))', [rand([3, 50])], (x) => tf.grad((v: tf.Tensor) => tf.sum(tf.log1p(tf.exp(v))))(x), 'unary');
});

test("native Adam update equals the pack's (JS loop on cpu, wasm heap kernel): vector tails, split over 2 and 3 threads, steps 1 and 1000", async (t) => {
  if (skipUnlessBuilt(t)) return;
  if (!addon!.adam) assert.fail('the addon has no adam: rebuild it (node scripts/build-native.mjs)');
  registerOnce(adamUpdateConfigs);
  const update = (inputs: { shape: number[]; values: Float32Array }[], s: AdamStep) => tf.tidy(() => {
    const [p, g, m, v] = inputs.map((i) => tf.tensor(i.values, i.shape));
    const outs = tf.engine().runKernel(ADAM_UPDATE, { p, g, m, v }, s as unknown as NamedAttrMap) as tf.Tensor[];
    return outs.map((o) => o.dataSync().slice() as Float32Array);
  });
  for (const threads of [2, 3]) {
    for (const n of [1, 7, 16, 17, 1000, 32768, 100003]) {
      for (const step of [1, 1000]) {
        const s: AdamStep = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, c1: 1 - 0.9 ** step, c2: 1 - 0.999 ** step };
        const [p, g, m] = [rand([n]), rand([n]), rand([n])];
        const v = { shape: [n], values: Float32Array.from(rand([n]).values, (x) => x * x) };
        await initBackend({ backend: 'cpu' });
        const want = update([p, g, m, v], s);
        await initBackend({ backend: 'wasm', native: 'off' });
        const wasm = update([p, g, m, v], s);
        await initBackend({ backend: 'wasm', native: 'on' });
        enableNative({ mode: 'on', threads });
        const calls = nativeCalls.adam;
        const be = tf.backend() as unknown as { numDataIds(): number };
        const before = be.numDataIds();
        const got = update([p, g, m, v], s);
        assert.equal(be.numDataIds(), before, 'no buffers left behind');
        assert.equal(nativeCalls.adam, calls + 1, `n=${n}: ran natively`);
        for (const [i, name] of ['p', 'm', 'v'].entries()) {
          assert.ok(relErr(got[i], want[i]) < 1e-5, `${threads} threads n=${n} step ${step} ${name}: relative error ${relErr(got[i], want[i])} against the JS loop`);
          assert.ok(relErr(got[i], wasm[i]) < 1e-5, `${threads} threads n=${n} step ${step} ${name}: relative error ${relErr(got[i], wasm[i])} against wasm`);
        }
        // The step itself, not just the unchanged parts: p moved, by about lr per element or more (m / sqrt(v) is not bounded for random moments).
        const moved = got[0].reduce((acc, x, i) => acc + Math.abs(x - p.values[i]), 0) / n;
        if (n >= 1000) assert.ok(moved > 1e-4 && moved < 1e-1, `n=${n} step ${step}: mean |p' - p| ${moved}`);
      }
    }
  }
});

test('dense and conv layer gradients through native kernels equal cpu (a small training graph)', async (t) => {
  if (skipUnlessBuilt(t)) return;
  const x = rand([4, 12, 12, 3]);
  const w1 = rand([3, 3, 3, 8]);
  const w2 = rand([4, 4, 8, 4]);
  const d = rand([6 * 6 * 4, 10]);
  for (const which of [0, 1, 2]) {
    await checked(`graph gradient ${which}`, [x, w1, w2, d], (xt, a, b, dd) => {
      const loss = (p: tf.Tensor[]) => {
        const h = tf.relu(tf.conv2d(xt as tf.Tensor4D, p[0] as tf.Tensor4D, 1, 'same'));
        const g = tf.conv2d(h, p[1] as tf.Tensor4D, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]);
        return tf.sum(tf.square(tf.matMul(tf.reshape(g, [4, -1]), p[2] as tf.Tensor2D)));
      };
      const grads = tf.grads((p0: tf.Tensor, p1: tf.Tensor, p2: tf.Tensor) => loss([p0, p1, p2]))([a, b, dd]);
      const keep = grads[which];
      tf.dispose(grads.filter((_, i) => i !== which));
      return keep;
    }, 'conv');
  }
});

test('enableNative: modes, the start-up line, and GENLAB_NATIVE', async (t) => {
  if (skipUnlessBuilt(t)) return;
  const info = await initBackend({ backend: 'wasm' });
  const on = enableNative({ mode: 'on', threads: 2 });
  assert.equal(on.active, true);
  assert.equal(on.threads, 2);
  assert.match(describeNative(on), /^native kernels: (oneDNN|OpenBLAS) .*\(products, convolutions(?: by im2col)?, Adam, exp, log1p\), 2 threads$/);
  const off = enableNative({ mode: 'off' });
  assert.equal(off.active, false);
  assert.equal(describeNative(off), 'native kernels off (--native off)');
  assert.equal(nativeStatus(), off);
  const saved = process.env.GENLAB_NATIVE;
  try {
    process.env.GENLAB_NATIVE = 'sometimes';
    assert.throws(() => enableNative(), (e: unknown) => e instanceof UserError && /GENLAB_NATIVE/.test((e as Error).message));
    process.env.GENLAB_NATIVE = 'on';
    assert.equal(enableNative({ threads: info.threads }).active, true);
  } finally {
    if (saved === undefined) delete process.env.GENLAB_NATIVE;
    else process.env.GENLAB_NATIVE = saved;
  }
  // Through initBackend, as the CLI starts it: the start-up line says what is in use.
  const viaInit = await initBackend({ backend: 'wasm', native: 'on' });
  assert.equal(viaInit.native?.active, true);
  assert.match(describeBackend(viaInit), /^backend wasm \(genlab kernel pack, .*\); native kernels: /);
  const offInit = await initBackend({ backend: 'wasm', native: 'off' });
  assert.match(describeBackend(offInit), /; native kernels off \(--native off\)$/);
  await assert.rejects(initBackend({ backend: 'cpu', native: 'on' }), (e: unknown) => e instanceof UserError && /wasm backend/.test((e as Error).message));
  await initBackend({ backend: 'cpu' });
  assert.throws(() => enableNative({ mode: 'on' }), (e: unknown) => e instanceof UserError && /wasm backend/.test((e as Error).message));
  const auto = enableNative({ mode: 'auto' });
  assert.equal(auto.active, false);
  assert.match(auto.reason!, /backend is cpu/);
});

test('setParallelMin: products and convolutions below the default sizes, run on two threads, still equal cpu', async (t) => {
  if (skipUnlessBuilt(t)) return;
  if (!addon!.setParallelMin) assert.fail('the addon has no setParallelMin: rebuild it (node scripts/build-native.mjs)');
  const cases: [string, { shape: number[]; values: Float32Array }[], (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['matmul [128,512] x [512,300]', [rand([128, 512]), rand([512, 300])], (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)],
    ['conv 4x4 s2 [8,14,14,16] -> 32', [rand([8, 14, 14, 16]), rand([4, 4, 16, 32])], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])],
  ];
  for (const [label, inputs, f] of cases) {
    await initBackend({ backend: 'cpu' });
    const cpu = tf.tidy(() => f(tf.tensor(inputs[0].values, inputs[0].shape), tf.tensor(inputs[1].values, inputs[1].shape)).dataSync().slice());
    await initBackend({ backend: 'wasm', native: 'on' });
    enableNative({ mode: 'on', threads: 2 });
    addon!.setParallelMin(0, 0); // every call on both threads
    const calls = nativeCalls.gemm + nativeCalls.conv;
    try {
      const native = tf.tidy(() => f(tf.tensor(inputs[0].values, inputs[0].shape), tf.tensor(inputs[1].values, inputs[1].shape)).dataSync().slice());
      assert.ok(nativeCalls.gemm + nativeCalls.conv > calls, `${label}: ran natively`);
      assert.equal(addon!.info().threads, 2, `${label}: two threads`);
      assert.ok(relErr(native, cpu) < 1e-4, `${label}: relative error ${relErr(native, cpu)}`);
    } finally {
      addon!.setParallelMin(DEFAULT_PARALLEL_MIN.gemm, DEFAULT_PARALLEL_MIN.conv, DEFAULT_PARALLEL_MIN.split);
    }
  }
});

test('threads: with native kernels the wasm module runs one and the addon all of them; without, the wasm module all; the line names the wasm module variant', async (t) => {
  if (skipUnlessBuilt(t)) return;
  // A fresh process each: the wasm module's threads and variant are fixed when it first starts.
  const line = (native: 'on' | 'off', relaxedSimd: 'auto' | 'off') => {
    const code = `const { initBackend, describeBackend } = await import(${JSON.stringify(new URL('../../src/backend/index.ts', import.meta.url).href)}); console.log(describeBackend(await initBackend({ backend: 'wasm', threads: 2, native: '${native}' })));`;
    const env: NodeJS.ProcessEnv = { ...process.env, GENLAB_NATIVE: '', GENLAB_RELAXED_SIMD: relaxedSimd === 'off' ? 'off' : '' };
    delete env.NODE_TEST_CONTEXT; // else the child reports to this test runner
    const dir = mkdtempSync(join(tmpdir(), 'genlab-threads-'));
    writeFileSync(join(dir, 'start.mts'), code);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'start.mts')], { encoding: 'utf8', env });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.status, 0, r.stderr.split('\n').filter((l) => /Error/.test(l) && l.length < 400).join(' / '));
    return r.stdout.trim();
  };
  // Node 20 validates relaxed SIMD after the V8 flag relaxed_simd_node.ts sets; Node 22+ by default.
  assert.match(line('on', 'auto'), /^backend wasm \(genlab kernel pack, relaxed simd, 1 thread\); native kernels: .*, 2 threads$/);
  assert.match(line('off', 'off'), /^backend wasm \(genlab kernel pack, simd, 2 threads\); native kernels off \(--native off\)$/);
});

test('GENLAB_NATIVE_PARALLEL_MIN: two or three integers, else a UserError naming it', () => {
  const saved = process.env.GENLAB_NATIVE_PARALLEL_MIN;
  try {
    delete process.env.GENLAB_NATIVE_PARALLEL_MIN;
    assert.equal(parallelMinFromEnv(), undefined);
    process.env.GENLAB_NATIVE_PARALLEL_MIN = '16777216, 0';
    assert.deepEqual(parallelMinFromEnv(), { gemm: 16777216, conv: 0, split: DEFAULT_PARALLEL_MIN.split });
    process.env.GENLAB_NATIVE_PARALLEL_MIN = '1,2,3';
    assert.deepEqual(parallelMinFromEnv(), { gemm: 1, conv: 2, split: 3 });
    for (const bad of ['16777216', '1,2,3,4', 'a,b', '-1,5', '1.5,2', '1,2,-3']) {
      process.env.GENLAB_NATIVE_PARALLEL_MIN = bad;
      assert.throws(() => parallelMinFromEnv(), (e: unknown) => e instanceof UserError && /GENLAB_NATIVE_PARALLEL_MIN/.test((e as Error).message), bad);
    }
  } finally {
    if (saved === undefined) delete process.env.GENLAB_NATIVE_PARALLEL_MIN;
    else process.env.GENLAB_NATIVE_PARALLEL_MIN = saved;
  }
});
