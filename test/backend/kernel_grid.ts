/**
 * The shape grid the wasm kernel pack (kernels.test.ts) and the native kernels
 * (native_kernels.test.ts) are checked on against the cpu backend, and the comparison helpers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';

export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 1e-6;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** Starts `backend`; on wasm, native kernels as `native` says, else as GENLAB_NATIVE says (default auto). */
export async function start(backend: 'cpu' | 'wasm', native?: 'on' | 'off'): Promise<void> {
  await initBackend({ backend, native: backend === 'wasm' ? native : undefined });
}

/** f on one backend (native kernels on wasm as `native` says): its output, and the buffers it left behind. */
export async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: { shape: number[]; values: Float32Array }[],
  f: (...t: tf.Tensor[]) => tf.Tensor,
  native?: 'on' | 'off',
): Promise<[Float32Array, number]> {
  await start(backend, native);
  const be = tf.backend() as unknown as { numDataIds(): number };
  const ts = inputs.map((i) => tf.tensor(i.values, i.shape));
  const before = be.numDataIds();
  const y = f(...ts);
  const out = y.dataSync() as Float32Array;
  y.dispose();
  const leaked = be.numDataIds() - before;
  tf.dispose(ts);
  return [out, leaked];
}

/** Runs f on cpu and on wasm with the same inputs; returns both outputs and the buffers wasm left behind. */
export async function onBoth(
  inputs: { shape: number[]; values: Float32Array }[],
  f: (...t: tf.Tensor[]) => tf.Tensor,
  native?: 'on' | 'off',
): Promise<[Float32Array, Float32Array, number]> {
  const [cpu] = await runOn('cpu', inputs, f);
  const [wasm, leaked] = await runOn('wasm', inputs, f, native);
  return [cpu, wasm, leaked];
}

const rng = new Rng(7);
export const rand = (shape: number[]) => ({ shape, values: rng.normalArray(shape.reduce((a, b) => a * b, 1)) });

export const convCases: { x: number[]; k: number; ci: number; co: number; s: number; pad: Pad }[] = [];
for (const s of [1, 2]) {
  for (const k of [1, 3, 4]) {
    for (const pad of ['same', 'valid', [[0, 0], [1, 1], [1, 1], [0, 0]], [[0, 0], [0, 1], [2, 0], [0, 0]]] as Pad[]) {
      if (k === 1 && Array.isArray(pad) && pad[2][0] >= 1) continue;
      convCases.push({ x: [3, 9, 8, 2], k, ci: 2, co: 5, s, pad });
    }
  }
}
convCases.push({ x: [4, 28, 28, 32], k: 3, ci: 32, co: 64, s: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] });
// 28x28 outputs: the im2col filter gradient takes one image per product and sums three.
convCases.push({ x: [3, 28, 28, 2], k: 3, ci: 2, co: 16, s: 1, pad: 'same' });
// Stride 3 exercises phases with unequal tap counts (k 4 = taps 2, 1, 1 per phase).
convCases.push({ x: [2, 10, 11, 3], k: 4, ci: 3, co: 2, s: 3, pad: 'same' }, { x: [2, 10, 11, 3], k: 4, ci: 3, co: 2, s: 3, pad: 'valid' });

/** PyTorch-style transposed convs of the workloads: k4 s2 p1 (7 -> 14) and k3 s2 p1 op1 (14 -> 28). */
export const transposeCases = [
  [7, 4, 14, [[0, 0], [1, 1], [1, 1], [0, 0]]],
  [14, 3, 28, [[0, 0], [1, 0], [1, 0], [0, 0]]],
] as const;

/** [transposeA, transposeB] x [batch, n] for the small products. */
export const matMulCases: { ta: boolean; tb: boolean; batch: number; n: number }[] = [];
for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
  for (const [batch, n] of [[1, 4], [3, 4], [1, 12], [3, 12]]) matMulCases.push({ ta, tb, batch, n });
}
