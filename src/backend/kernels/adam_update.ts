/**
 * One Adam step for one parameter tensor as a single kernel (wasm and cpu).
 *
 * Written with tfjs ops, the update below is eleven element-wise kernels, each a full pass
 * that allocates its result; for the 1.38M parameters of the mlp-vae benchmark that was about
 * 12 ms of a 47 ms step. Here it is one pass that reads p, g, m, v and writes p', m', v':
 * f32x4 WebAssembly on the wasm heap (heap_kernels.wat; a JS loop took 11.5 ms, ~8 ns per
 * element), a JS loop on the cpu backend.
 *
 *   m' = b1 m + (1 - b1) g
 *   v' = b2 v + (1 - b2) g^2
 *   p' = p - lr (m' / c1) / (sqrt(v' / c2) + eps),   c1 = 1 - b1^t, c2 = 1 - b2^t
 *      = p - k m' / (sqrt(v') r + eps),               k = lr / c1, r = 1 / sqrt(c2)
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runOnArrays } from './heap.js';
import { heapKernelsFor } from '../wasm/heap_kernels.js';

export const ADAM_UPDATE = 'GenlabAdamUpdate';

export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Bias corrections 1 - beta1^t and 1 - beta2^t. */
  c1: number;
  c2: number;
}

/** Writes the updated parameter, first and second moments (any of them may alias an input). */
export function adamUpdateArrays(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamStep,
  pOut: Float32Array, mOut: Float32Array, vOut: Float32Array,
): void {
  const { lr, beta1, beta2, eps, c1, c2 } = s;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const k = lr / c1;
  const r = 1 / Math.sqrt(c2);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + a1 * gi;
    const vi = beta2 * v[i] + a2 * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    pOut[i] = p[i] - (k * mi) / (Math.sqrt(vi) * r + eps);
  }
}

const adamUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const { p, g, m, v } = inputs as Record<'p' | 'g' | 'm' | 'v', TensorInfo>;
  const s = attrs as unknown as AdamStep;
  const heap = heapKernelsFor(backend);
  return runOnArrays(backend, [p, g, m, v], [p.shape, p.shape, p.shape], ([pv, gv, mv, vv], [po, mo, vo]) => {
    if (!heap) return adamUpdateArrays(pv, gv, mv, vv, s, po, mo, vo);
    const { lr, beta1, beta2, eps, c1, c2 } = s;
    heap.adam(pv.byteOffset, gv.byteOffset, mv.byteOffset, vv.byteOffset, po.byteOffset, mo.byteOffset, vo.byteOffset, pv.length,
      beta1, 1 - beta1, beta2, 1 - beta2, lr / c1, 1 / Math.sqrt(c2), eps);
  });
};

export const adamUpdateConfigs: KernelConfig[] = ['wasm', 'cpu'].map((backendName) => ({
  kernelName: ADAM_UPDATE,
  backendName,
  kernelFunc: adamUpdate,
}));
