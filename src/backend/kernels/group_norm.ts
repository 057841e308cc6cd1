/**
 * Group normalisation as one forward and one backward kernel (wasm and cpu).
 *
 * Composed from tfjs ops, GroupNorm costs about ten full passes over the activation plus
 * transposes for the reductions over (H, W, C/G); in the unet-ddpm benchmark that was ~400 ms
 * of a 2.8 s step. Here each direction is two passes in float64-accumulating loops.
 *
 * x: [B, HW, C] (any NHWC tensor viewed so), groups G of Cg = C / G channels, n = HW * Cg:
 *   mean[b,g] = (1/n) sum x,   rstd[b,g] = 1 / sqrt((1/n) sum (x - mean)^2 + eps)
 *   y = (x - mean) rstd gamma[c] + beta[c]
 * Backward, with xhat = (x - mean) rstd and g_c = gamma[c]:
 *   dbeta[c]  = sum_{b,hw} dy,            dgamma[c] = sum_{b,hw} dy xhat
 *   m1 = (1/n) sum_{hw,c in g} dy g_c,    m2 = (1/n) sum_{hw,c in g} dy g_c xhat
 *   dx = rstd (dy g_c - m1 - xhat m2)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runOnArrays } from './heap.js';
import { heapKernelsFor, type HeapKernels } from '../wasm/heap_kernels.js';

export const GROUP_NORM = 'GenlabGroupNorm';
export const GROUP_NORM_GRAD = 'GenlabGroupNormGrad';

export interface GroupNormShape {
  B: number;
  HW: number;
  C: number;
  G: number;
}

/** Forward pass; writes y [B,HW,C], mean [B,G], rstd [B,G]. */
export function groupNormForward(
  x: Float32Array, gamma: Float32Array, beta: Float32Array, { B, HW, C, G }: GroupNormShape, eps: number,
  y: Float32Array, mean: Float32Array, rstd: Float32Array,
): void {
  const Cg = C / G;
  const n = HW * Cg;
  const chanSum = new Float64Array(C);
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  const meanC = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    const base = b * HW * C;
    // Pass 1: per-channel sums, folded into group means.
    chanSum.fill(0);
    for (let p = 0, i = base; p < HW; p++) for (let c = 0; c < C; c++) chanSum[c] += x[i++];
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) s += chanSum[c];
      mean[b * G + g] = s / n;
    }
    // Pass 2: squared deviations from the mean (two-pass variance: no cancellation).
    for (let c = 0; c < C; c++) meanC[c] = mean[b * G + ((c / Cg) | 0)];
    chanSum.fill(0);
    for (let p = 0, i = base; p < HW; p++) {
      for (let c = 0; c < C; c++) {
        const d = x[i++] - meanC[c];
        chanSum[c] += d * d;
      }
    }
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) s += chanSum[c];
      rstd[b * G + g] = 1 / Math.sqrt(s / n + eps);
    }
    // y = x * scale[c] + shift[c], with scale = rstd gamma and shift = beta - mean rstd gamma.
    for (let c = 0; c < C; c++) {
      const g = b * G + ((c / Cg) | 0);
      scale[c] = rstd[g] * gamma[c];
      shift[c] = beta[c] - mean[g] * scale[c];
    }
    for (let p = 0, i = base; p < HW; p++) for (let c = 0; c < C; c++, i++) y[i] = x[i] * scale[c] + shift[c];
  }
}

/** Backward pass; writes dx [B,HW,C], dgamma [C], dbeta [C]. */
export function groupNormBackward(
  dy: Float32Array, x: Float32Array, gamma: Float32Array, mean: Float32Array, rstd: Float32Array, { B, HW, C, G }: GroupNormShape,
  dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array,
): void {
  const Cg = C / G;
  const n = HW * Cg;
  const sdy = new Float64Array(C);
  const sdyx = new Float64Array(C);
  const dgammaAcc = new Float64Array(C);
  const dbetaAcc = new Float64Array(C);
  const p = new Float64Array(C);
  const q = new Float64Array(C);
  const r = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    const base = b * HW * C;
    sdy.fill(0);
    sdyx.fill(0);
    for (let k = 0, i = base; k < HW; k++) {
      for (let c = 0; c < C; c++, i++) {
        sdy[c] += dy[i];
        sdyx[c] += dy[i] * x[i];
      }
    }
    for (let g = 0; g < G; g++) {
      const mu = mean[b * G + g];
      const rs = rstd[b * G + g];
      let m1 = 0;
      let m2 = 0;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) {
        const sumDyXhat = rs * (sdyx[c] - mu * sdy[c]); // sum_hw dy * xhat
        dbetaAcc[c] += sdy[c];
        dgammaAcc[c] += sumDyXhat;
        m1 += gamma[c] * sdy[c];
        m2 += gamma[c] * sumDyXhat;
        p[c] = rs * gamma[c];
      }
      m1 /= n;
      m2 /= n;
      // dx = dy p[c] + x q[c] + r[c], expanding rstd (dy g_c - m1 - (x - mean) rstd m2).
      for (let c = g * Cg; c < (g + 1) * Cg; c++) {
        q[c] = -rs * rs * m2;
        r[c] = rs * (mu * rs * m2 - m1);
      }
    }
    for (let k = 0, i = base; k < HW; k++) {
      for (let c = 0; c < C; c++, i++) dx[i] = dy[i] * p[c] + x[i] * q[c] + r[c];
    }
  }
  for (let c = 0; c < C; c++) {
    dgamma[c] = dgammaAcc[c];
    dbeta[c] = dbetaAcc[c];
  }
}

/**
 * Scratch on the wasm heap for the per-channel passes: two f64 accumulators and four f32
 * vectors of C entries (8 C floats), at byte offsets from `base`.
 */
function scratchLayout(base: number, C: number) {
  return { acc1: base, acc2: base + 8 * C, meanC: base + 16 * C, v1: base + 20 * C, v2: base + 24 * C, v3: base + 28 * C };
}

/**
 * groupNormForward with the passes in heap_kernels.wat (f32x4, f64 sums); C % 4 == 0.
 * Arguments are views on the wasm heap; `scratch` holds 8 C floats.
 */
function groupNormForwardHeap(
  heap: HeapKernels, x: Float32Array, gamma: Float32Array, beta: Float32Array, { B, HW, C, G }: GroupNormShape, eps: number,
  y: Float32Array, mean: Float32Array, rstd: Float32Array, scratch: Float32Array,
): void {
  const Cg = C / G;
  const n = HW * Cg;
  const at = scratchLayout(scratch.byteOffset, C);
  const buf = x.buffer;
  const acc = new Float64Array(buf, at.acc1, C);
  const meanC = new Float32Array(buf, at.meanC, C);
  const scale = new Float32Array(buf, at.v1, C);
  const shift = new Float32Array(buf, at.v2, C);
  for (let b = 0; b < B; b++) {
    const xb = x.byteOffset + 4 * b * HW * C;
    heap.chan_sum(xb, HW, C, at.acc1);
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) s += acc[c];
      mean[b * G + g] = s / n;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) meanC[c] = s / n;
    }
    heap.chan_sqdev(xb, HW, C, at.meanC, at.acc1);
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) s += acc[c];
      const rs = 1 / Math.sqrt(s / n + eps);
      rstd[b * G + g] = rs;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) {
        scale[c] = rs * gamma[c];
        shift[c] = beta[c];
      }
    }
    heap.chan_affine(xb, HW, C, at.meanC, at.v1, at.v2, y.byteOffset + 4 * b * HW * C);
  }
}

/** groupNormBackward with the passes in heap_kernels.wat; centred sums (no cancellation). */
function groupNormBackwardHeap(
  heap: HeapKernels, dy: Float32Array, x: Float32Array, gamma: Float32Array, mean: Float32Array, rstd: Float32Array,
  { B, HW, C, G }: GroupNormShape, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, scratch: Float32Array,
): void {
  const Cg = C / G;
  const n = HW * Cg;
  const at = scratchLayout(scratch.byteOffset, C);
  const buf = x.buffer;
  const sdy = new Float64Array(buf, at.acc1, C); // sum_hw dy
  const sdyc = new Float64Array(buf, at.acc2, C); // sum_hw dy (x - mean)
  const meanC = new Float32Array(buf, at.meanC, C);
  const a = new Float32Array(buf, at.v1, C);
  const bq = new Float32Array(buf, at.v2, C);
  const k = new Float32Array(buf, at.v3, C);
  const dgammaAcc = new Float64Array(C);
  const dbetaAcc = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    const off = 4 * b * HW * C;
    for (let c = 0; c < C; c++) meanC[c] = mean[b * G + ((c / Cg) | 0)];
    heap.chan_dot(dy.byteOffset + off, x.byteOffset + off, HW, C, at.meanC, at.acc1, at.acc2);
    for (let g = 0; g < G; g++) {
      const rs = rstd[b * G + g];
      let m1 = 0;
      let m2 = 0;
      for (let c = g * Cg; c < (g + 1) * Cg; c++) {
        const sumDyXhat = rs * sdyc[c];
        dbetaAcc[c] += sdy[c];
        dgammaAcc[c] += sumDyXhat;
        m1 += gamma[c] * sdy[c];
        m2 += gamma[c] * sumDyXhat;
      }
      m1 /= n;
      m2 /= n;
      // dx = rstd (dy g_c - m1 - xhat m2) = a dy + bq (x - mean) + k
      for (let c = g * Cg; c < (g + 1) * Cg; c++) {
        a[c] = rs * gamma[c];
        bq[c] = -rs * rs * m2;
        k[c] = -rs * m1;
      }
    }
    heap.chan_affine2(dy.byteOffset + off, x.byteOffset + off, HW, C, at.meanC, at.v1, at.v2, at.v3, dx.byteOffset + off);
  }
  for (let c = 0; c < C; c++) {
    dgamma[c] = dgammaAcc[c];
    dbeta[c] = dbetaAcc[c];
  }
}

function shapeOf(x: TensorInfo, groups: number): GroupNormShape {
  const C = x.shape[x.shape.length - 1];
  const B = x.shape[0];
  return { B, HW: tf.util.sizeFromShape(x.shape) / (B * C), C, G: groups };
}

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const { groups, eps } = attrs as unknown as { groups: number; eps: number };
  const s = shapeOf(x, groups);
  const heap = s.C % 4 === 0 ? heapKernelsFor(backend) : undefined;
  if (heap) {
    const [y, m, r, scratch] = runOnArrays(backend, [x, gamma, beta], [x.shape, [s.B, s.G], [s.B, s.G], [8 * s.C]], ([xv, gv, bv], [yv, mv, rv, sv]) =>
      groupNormForwardHeap(heap, xv, gv, bv, s, eps, yv, mv, rv, sv),
    );
    (backend as tf.KernelBackend).disposeData(scratch.dataId);
    return [y, m, r];
  }
  return runOnArrays(backend, [x, gamma, beta], [x.shape, [s.B, s.G], [s.B, s.G]], ([xv, gv, bv], [y, m, r]) =>
    groupNormForward(xv, gv, bv, s, eps, y, m, r),
  );
};

const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, gamma, mean, rstd } = inputs as Record<string, TensorInfo>;
  const { groups } = attrs as unknown as { groups: number };
  const s = shapeOf(x, groups);
  const heap = s.C % 4 === 0 ? heapKernelsFor(backend) : undefined;
  if (heap) {
    const [dx, dg, db, scratch] = runOnArrays(backend, [dy, x, gamma, mean, rstd], [x.shape, [s.C], [s.C], [8 * s.C]], ([dyv, xv, gv, mv, rv], [dxv, dgv, dbv, sv]) =>
      groupNormBackwardHeap(heap, dyv, xv, gv, mv, rv, s, dxv, dgv, dbv, sv),
    );
    (backend as tf.KernelBackend).disposeData(scratch.dataId);
    return [dx, dg, db];
  }
  return runOnArrays(backend, [dy, x, gamma, mean, rstd], [x.shape, [s.C], [s.C]], ([dyv, xv, gv, mv, rv], [dx, dg, db]) =>
    groupNormBackward(dyv, xv, gv, mv, rv, s, dx, dg, db),
  );
};

export const groupNormConfigs: KernelConfig[] = ['wasm', 'cpu'].flatMap((backendName) => [
  { kernelName: GROUP_NORM, backendName, kernelFunc: forward },
  { kernelName: GROUP_NORM_GRAD, backendName, kernelFunc: backward },
]);
