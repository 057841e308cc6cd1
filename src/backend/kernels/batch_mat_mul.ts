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

export const batchMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { a, b: bb } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (!transposeA && !transposeB) return call('BatchMatMul', b, { a, b: bb }, attrs as NamedAttrMap);
  const at = transposeA ? swapLast(b, a) : a;
  const bt = transposeB ? swapLast(b, bb) : bb;
  const out = call('BatchMatMul', b, { a: at, b: bt }, { transposeA: false, transposeB: false });
  if (transposeA) free(b, at);
  if (transposeB) free(b, bt);
  return out;
};

export const batchMatMulConfig: KernelConfig = { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMul as KernelFunc };
