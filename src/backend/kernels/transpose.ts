/**
 * Transpose in cache-sized tiles.
 *
 * The wasm backend's Transpose walks the output with per-element index arithmetic and reads
 * the input with a large stride; moving the batch axis behind the channels of a
 * [64,28,28,96] activation (the filter gradient's layout change) took ~86 ms, ~18 ns per
 * element. Here the two axes that matter, the output's innermost axis and the input's
 * innermost axis, form a tile of at most a few kilobytes that is copied with one side
 * contiguous; all other axes are walked as an odometer of tile origins. When the innermost
 * axis stays in place, the tile degenerates into contiguous row copies.
 * On the wasm heap each tile is copied by heap_kernels.wat in 16 x 16 blocks (~0.3-0.5 ns per
 * element; the same copy as a JS loop ran at ~2-3 ns); transposeArray's JS loop remains the
 * reference the tests compare against.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs-core';
import { builtin } from './wasm_ops.js';
import { runOnArrays } from './heap.js';
import { heapKernelsFor } from '../wasm/heap_kernels.js';

/** Row-major strides of `shape`. */
function stridesOf(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/**
 * Merges input axes that stay adjacent and in order under `perm` (and drops size-1 axes), so
 * [N,H,W,C] by [3,0,1,2] becomes [NHW, C] by [1,0]. Returns the smallest equivalent problem.
 */
export function canonicalTranspose(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  // Size-1 axes are dropped and the rest renumbered, so axes either side of one count as adjacent.
  const kept = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  const dims = kept.map((i) => shape[i]);
  const keep = perm.filter((p) => shape[p] !== 1).map((p) => kept.indexOf(p));
  // Groups of input axes, in output order, each a run p, p+1, ... of consecutive input axes.
  const groups: number[][] = [];
  for (const p of keep) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1] + 1 === p) g.push(p);
    else groups.push([p]);
  }
  const byInput = [...groups].sort((a, b) => a[0] - b[0]);
  return {
    shape: byInput.map((g) => g.reduce((n, p) => n * dims[p], 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

/**
 * Copies one tile: out[o + ia * outStepA + ib] = x[s + ia + ib * inStepB] for ia < dimA, ib < dimB.
 * The default is a JS loop; on the wasm heap, heap_kernels.wat's blocked copy is passed instead.
 */
export type TileCopy = (x: Float32Array, s: number, out: Float32Array, o: number, dimA: number, dimB: number, inStepB: number, outStepA: number) => void;

function tileCopyJs(x: Float32Array, s0: number, out: Float32Array, o0: number, dimA: number, dimB: number, inStepB: number, outStepA: number): void {
  for (let ia = 0; ia < dimA; ia++) {
    let o = o0 + ia * outStepA;
    let s = s0 + ia;
    for (let ib = 0; ib < dimB; ib++, s += inStepB) out[o++] = x[s];
  }
}

/** out = transpose(x, perm) with out.shape[i] = shape[perm[i]]. */
export function transposeArray(x: Float32Array, shape: number[], perm: number[], out: Float32Array, tile: TileCopy = tileCopyJs): void {
  const r = shape.length;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const outStrides = stridesOf(outShape);
  // Stride in x of a step along each output axis.
  const inStep = perm.map((p) => inStrides[p]);
  const b = r - 1; // output's innermost axis: contiguous writes
  const a = perm.indexOf(r - 1); // output axis holding x's innermost axis: contiguous reads
  const dimB = outShape[b];
  const stepB = inStep[b];
  const dimA = outShape[a];
  const outStepA = outStrides[a];
  const outer = perm.map((_, i) => i).filter((i) => i !== a && i !== b);
  const idx = new Array<number>(outer.length).fill(0);
  let inBase = 0;
  let outBase = 0;
  for (;;) {
    if (a === b) {
      // The innermost axis stays innermost: one contiguous run (short runs copy faster by hand
      // than through a subarray view).
      if (dimB >= 128) out.set(x.subarray(inBase, inBase + dimB), outBase);
      else for (let k = 0; k < dimB; k++) out[outBase + k] = x[inBase + k];
    } else {
      tile(x, inBase, out, outBase, dimA, dimB, stepB, outStepA);
    }
    // Advance the odometer over the remaining output axes (last one fastest).
    let k = outer.length - 1;
    for (; k >= 0; k--) {
      const ax = outer[k];
      idx[k]++;
      inBase += inStep[ax];
      outBase += outStrides[ax];
      if (idx[k] < outShape[ax]) break;
      inBase -= inStep[ax] * outShape[ax];
      outBase -= outStrides[ax] * outShape[ax];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** Side of the square blocks heap_kernels.wat copies a tile in (measured best of 8/16/32/64). */
const WASM_BLOCK = 16;

const transpose: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const { perm } = attrs as unknown as { perm: number[] };
  const size = tf.util.sizeFromShape(x.shape);
  const c = canonicalTranspose(x.shape, perm);
  const heap = heapKernelsFor(backend);
  if (x.dtype !== 'float32' || size < 4096 || c.shape.length < 2 || !heap || !useBlockedCopy(c.shape, c.perm)) {
    return builtin('Transpose')({ inputs, backend, attrs: attrs as NamedAttrMap });
  }
  const outShape = perm.map((p) => x.shape[p]);
  const copy: TileCopy = (xv, s, ov, o, dimA, dimB, inStepB, outStepA) =>
    heap.tile(xv.byteOffset + 4 * s, ov.byteOffset + 4 * o, dimA, dimB, inStepB, outStepA, WASM_BLOCK);
  const [out] = runOnArrays(backend, [x], [outShape], ([xv], [ov]) => transposeArray(xv, c.shape, c.perm, ov, copy));
  return out;
};

/**
 * Whether the blocked copy beats the built-in kernel. The built-in writes with a stride of the
 * input's row count and is fast unless that stride aliases in cache; it also wins when the
 * innermost axis stays in place (row copies). Measured, 2 threads, ms built-in / blocked:
 * [512,512] 1.65 / 0.15, [512,784] 2.14 / 0.19, [50176,32] 10.9 / 0.88, [784,512] 0.15 / 0.15,
 * [3136,1024] 3.15 / 6.3, [64,784,64] by [0,2,1] 2.0 / 4.3, [64,28,28,32] by [3,1,2,0]
 * 3.96 / 1.29, [64,14,14,128] by [1,2,0,3] 0.36 / 1.12.
 */
function useBlockedCopy(shape: number[], perm: number[]): boolean {
  const r = shape.length;
  if (perm[r - 1] === r - 1) return false;
  const batched2d = perm[r - 1] === r - 2 && perm[r - 2] === r - 1 && perm.slice(0, r - 2).every((p, i) => p === i);
  if (!batched2d) return true;
  const rows = shape[r - 2];
  const cols = shape[r - 1];
  return rows % 64 === 0 && cols % 1024 !== 0;
}

export const transposeConfig: KernelConfig = { kernelName: 'Transpose', backendName: 'wasm', kernelFunc: transpose };
