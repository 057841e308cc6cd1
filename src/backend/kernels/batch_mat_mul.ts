/**
 * BatchMatMul for the wasm backend with the transposes made explicit: the built-in kernel
 * takes its XNNPACK path only when neither side is transposed, and dense-layer gradients
 * (dW = x^T dy, dx = dy W^T) always transpose one side.
 */
import { BatchMatMul } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo, KernelFunc, NamedAttrMap } from '@tensorflow/tfjs-core';
import { call, transpose, free, type WasmBackend } from './wasm_ops.js';

function swapLast(b: WasmBackend, x: TensorInfo): TensorInfo {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose(b, x, perm);
}

/**
 * XNNPACK packs the right-hand operand into its own layout on every call whose right operand
 * is a new tensor, which in training is every call (~3 ns per element). When that operand is
 * a weight matrix much larger than the activations on the left, the transposed product is
 * cheaper, since only the small activations are then packed:
 *   a b = ((b^T) (a^T))^T        and        a b^T = (b a^T)^T
 * (the transposes are the pack's blocked Transpose, ~0.15 ms for 512 x 512).
 * Measured, 2 threads, direct -> transposed, ms: [128,512] x [512,512] 1.73 -> 1.52,
 * [128,784] x [784,512] 2.63 -> 2.20, [64,100] x [100,6272] 3.52 -> 2.57; with b^T:
 * [128,512] x [512,512]^T 3.17 -> 1.74 (before the blocked Transpose); and the other way
 * round when b is small: [128,512] x [512,64] 0.33 direct, 0.96 transposed. Hence the test:
 * many output columns (N >= 2M) and a large right operand (K N >= 65536).
 */
function rightSideIsLarge(m: number, k: number, n: number): boolean {
  return n >= 2 * m && k * n >= 65536;
}

/** Last two dimensions of a [..., M, K] x [..., K, N] product (after the transposes). */
function dims(a: TensorInfo, bb: TensorInfo, transposeA: boolean, transposeB: boolean): [number, number, number] {
  const ra = a.shape.length;
  const rb = bb.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? bb.shape[rb - 2] : bb.shape[rb - 1];
  return [m, k, n];
}

export const batchMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { a, b: bb } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const [m, k, n] = dims(a, bb, transposeA, transposeB);
  if (!transposeA && rightSideIsLarge(m, k, n)) {
    // out^T = (b or b^T as stored, made [..., N, K]) x a^T [..., K, M]
    const left = transposeB ? bb : swapLast(b, bb);
    const at = swapLast(b, a);
    const outT = call('BatchMatMul', b, { a: left, b: at }, { transposeA: false, transposeB: false }); // [..., N, M]
    const out = swapLast(b, outT);
    free(b, at, outT);
    if (!transposeB) free(b, left);
    return out;
  }
  if (!transposeA && !transposeB) return call('BatchMatMul', b, { a, b: bb }, attrs as NamedAttrMap);
  const at = transposeA ? swapLast(b, a) : a;
  const bt = transposeB ? swapLast(b, bb) : bb;
  const out = call('BatchMatMul', b, { a: at, b: bt }, { transposeA: false, transposeB: false });
  if (transposeA) free(b, at);
  if (transposeB) free(b, bt);
  return out;
};

export const batchMatMulConfig: KernelConfig = { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMul as KernelFunc };
