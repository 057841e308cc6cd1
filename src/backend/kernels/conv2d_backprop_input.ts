/**
 * Conv2DBackpropInput for the wasm backend, on XNNPACK Conv2D instead of the built-in scalar
 * loops. It is also the forward pass of conv2dTranspose. For a forward conv with stride s,
 * padding (pt, pl) and filter W [KH, KW, Ci, Co]:
 *   dx = conv(dilate_s(dy), rot180(W)^T; stride 1, pads (KH - 1 - pt, pb'))
 * where dilate_s inserts s - 1 zeros between rows and columns of dy, rot180 flips W in space,
 * ^T swaps its channel axes to [KH, KW, Co, Ci], and pb' makes the output H x W.
 *
 * With a stride, 1 - 1/s^2 of that convolution's multiplications hit inserted zeros. The
 * strided case therefore uses the phase (sub-pixel) decomposition instead: writing an output
 * row as Y = y + pt = a s + r (r = 0..s-1, its phase),
 *   dx[Y] = sum_m dy[a - m] W[r + m s],   m = 0..M-1,  M = ceil(K / s),
 * a full convolution of dy with the phase's sub-kernel. Each of the s x s phases is one
 * stride-1 convolution whose padding yields exactly the output rows and columns of that phase,
 * and heap_kernels.wat's run copy interleaves them into dx: the same multiplications as the
 * transposed convolution itself, none on zeros or on rows that are cropped. (All phases as one
 * convolution with s*s*Ci channels computed (8/7)^2 more for dcgan's 7x7 -> 14x14 and ran at
 * 19.5 ms against 13.1 ms for the four.)
 */
import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo, KernelFunc } from '@tensorflow/tfjs-core';
import { conv2d, transpose, reshape, pad, slice, reverse, free, type WasmBackend } from './wasm_ops.js';
import { runOnArrays } from './heap.js';
import { heapKernelsFor, type HeapKernels } from '../wasm/heap_kernels.js';

/** Strided case: one convolution per phase when Ci >= 16, all phases in one otherwise; tests force either. */
export const phasePolicy: { force?: 'separate' | 'combined' } = {};

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** dy [N, OH, OW, C] -> [N, (OH-1) sh + 1, (OW-1) sw + 1, C] with zeros between the entries. */
function dilate(b: WasmBackend, dy: TensorInfo, sh: number, sw: number): { out: TensorInfo; temps: TensorInfo[] } {
  if (sh === 1 && sw === 1) return { out: dy, temps: [] };
  const [n, oh, ow, c] = dy.shape;
  const r = reshape(b, dy, [n, oh, 1, ow, 1, c]);
  const p = pad(b, r, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]); // [N, OH, sh, OW, sw, C]
  const flat = reshape(b, p, [n, oh * sh, ow * sw, c]);
  const out = slice(b, flat, [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]);
  return { out, temps: [r, p, flat] };
}

/**
 * One phase's sub-kernel, flipped for a correlation: F[jh, jw, co, ci] =
 * W[rh + (Mh-1-jh) sh, rw + (Mw-1-jw) sw, ci, co], with Mh = ceil((KH - rh) / sh) taps.
 */
function phaseFilter(b: WasmBackend, heap: HeapKernels, filter: TensorInfo, sh: number, sw: number, rh: number, rw: number): TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const mh = Math.ceil((kh - rh) / sh);
  const mw = Math.ceil((kw - rw) / sw);
  // Each tap is a [Ci, Co] -> [Co, Ci] transpose, copied on the heap (reading the filter out
  // with readSync alone took ~1.5 ms for [4,4,64,128]).
  const [f] = runOnArrays(b, [filter], [[mh, mw, co, ci]], ([wv], [fv]) => {
    for (let jh = 0; jh < mh; jh++) {
      for (let jw = 0; jw < mw; jw++) {
        const src = ((rh + (mh - 1 - jh) * sh) * kw + rw + (mw - 1 - jw) * sw) * ci * co;
        const dst = (jh * mw + jw) * co * ci;
        heap.tile(wv.byteOffset + 4 * src, fv.byteOffset + 4 * dst, co, ci, co, ci, 16); // f[o ci + c] = w[c co + o]
      }
    }
  });
  return f;
}

/**
 * Rows of one phase along one axis: output rows Y = a s + r - p inside [0, size) for a in
 * [lo, lo + count); the phase convolution's padding (before, after) that produces exactly
 * those rows from dy's `n` rows with M taps, and how many dy rows to crop where a padding
 * would be negative.
 */
function phaseAxis(size: number, p: number, s: number, r: number, k: number, n: number) {
  const m = Math.ceil((k - r) / s);
  const lo = Math.ceil((p - r) / s);
  const count = Math.floor((size - 1 + p - r) / s) - lo + 1;
  // out row i reads dy rows lo + i - (m - 1) + j, j < m: padding before = m - 1 - lo.
  const before = m - 1 - lo;
  const after = count - n - before + m - 1;
  return { m, lo, count, before, after };
}

/** The strided case by phases (see the file comment): dy [N, OH, OW, Co] -> dx [N, H, W, Ci]. */
function byPhases(b: WasmBackend, dy: TensorInfo, filter: TensorInfo, sh: number, sw: number, pt: number, pl: number, h: number, w: number): TensorInfo {
  const heap = heapKernelsFor(b)!;
  const [n, oh, ow] = dy.shape;
  const [kh, kw, ci] = filter.shape;
  const phases: { out: TensorInfo; rh: number; rw: number; lo: [number, number] }[] = [];
  let complete = true; // every output position belongs to a phase with at least one tap
  for (let rh = 0; rh < sh; rh++) {
    for (let rw = 0; rw < sw; rw++) {
      const ah = phaseAxis(h, pt, sh, rh, kh, oh);
      const aw = phaseAxis(w, pl, sw, rw, kw, ow);
      if (ah.count <= 0 || aw.count <= 0) continue;
      if (ah.m <= 0 || aw.m <= 0) {
        complete = false;
        continue;
      }
      // Negative paddings become crops of dy.
      const top = Math.max(0, -ah.before);
      const left = Math.max(0, -aw.before);
      const rows = oh - top - Math.max(0, -ah.after);
      const cols = ow - left - Math.max(0, -aw.after);
      const src = top || left || rows < oh || cols < ow ? slice(b, dy, [0, top, left, 0], [n, rows, cols, dy.shape[3]]) : dy;
      const f = phaseFilter(b, heap, filter, sh, sw, rh, rw);
      const out = conv2d(b, src, f, [1, 1], [[0, 0], [Math.max(0, ah.before), Math.max(0, ah.after)], [Math.max(0, aw.before), Math.max(0, aw.after)], [0, 0]], [1, 1]); // [N, count_h, count_w, Ci]
      free(b, f);
      if (src !== dy) free(b, src);
      phases.push({ out, rh, rw, lo: [ah.lo, aw.lo] });
    }
  }
  // Interleave: dx[n, a sh + rh - pt, c sw + rw - pl, :] = phase[n, a - lo_h, c - lo_w, :].
  const [dx] = runOnArrays(b, phases.map((ph) => ph.out), [[n, h, w, ci]], (outs, [dxv]) => {
    if (!complete) dxv.fill(0);
    phases.forEach((ph, i) => {
      const [, ah, aw] = ph.out.shape;
      const pv = outs[i];
      const x0 = ph.lo[1] * sw + ph.rw - pl;
      for (let bn = 0; bn < n; bn++) {
        for (let a = 0; a < ah; a++) {
          const y = (ph.lo[0] + a) * sh + ph.rh - pt;
          const src = pv.byteOffset + 4 * (bn * ah + a) * aw * ci;
          const dst = dxv.byteOffset + 4 * ((bn * h + y) * w + x0) * ci;
          heap.copy_runs(src, 4 * ci, dst, 4 * sw * ci, aw, 4 * ci);
        }
      }
    });
  });
  free(b, ...phases.map((ph) => ph.out));
  return dx;
}

/**
 * The phases' sub-kernels as one stride-1 filter [Mh, Mw, Co, sh*sw*Ci], flipped for a
 * correlation: F[jh, jw, co, (rh sw + rw) Ci + ci] = W[rh + (Mh-1-jh) sh, rw + (Mw-1-jw) sw, ci, co].
 */
function combinedPhaseFilter(b: WasmBackend, filter: TensorInfo, sh: number, sw: number): TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const mh = Math.ceil(kh / sh);
  const mw = Math.ceil(kw / sw);
  const w = b.readSync(filter.dataId) as Float32Array;
  const c4 = sh * sw * ci;
  const f = new Float32Array(mh * mw * co * c4);
  for (let jh = 0; jh < mh; jh++) {
    for (let jw = 0; jw < mw; jw++) {
      for (let rh = 0; rh < sh; rh++) {
        const fh = rh + (mh - 1 - jh) * sh;
        if (fh >= kh) continue;
        for (let rw = 0; rw < sw; rw++) {
          const fw = rw + (mw - 1 - jw) * sw;
          if (fw >= kw) continue;
          const src = (fh * kw + fw) * ci * co;
          for (let c = 0; c < ci; c++) {
            for (let o = 0; o < co; o++) f[((jh * mw + jw) * co + o) * c4 + (rh * sw + rw) * ci + c] = w[src + c * co + o];
          }
        }
      }
    }
  }
  return b.makeOutput([mh, mw, co, c4], 'float32', undefined, f);
}

/**
 * All phases as ONE stride-1 convolution with s*s*Ci output channels, then depth-to-space and a
 * crop: better when Ci is small (one output channel per phase starves the matrix kernels;
 * dcgan's [64,14,14,64] -> [64,28,28,1]: 5 ms combined, 14 ms as four convolutions).
 */
function byPhasesCombined(b: WasmBackend, dy: TensorInfo, filter: TensorInfo, sh: number, sw: number, pt: number, pl: number, h: number, w: number): TensorInfo {
  const [n, oh, ow] = dy.shape;
  const ci = filter.shape[2];
  const mh = Math.ceil(filter.shape[0] / sh);
  const mw = Math.ceil(filter.shape[1] / sw);
  // Phase rows a = 0..A-1 must reach Y = pt + h - 1; rows past the last window (possible with
  // 'valid' padding) get no input and come out as zeros from extra bottom padding.
  const extraH = Math.max(0, Math.ceil((pt + h) / sh) - (oh + mh - 1));
  const extraW = Math.max(0, Math.ceil((pl + w) / sw) - (ow + mw - 1));
  const f = combinedPhaseFilter(b, filter, sh, sw);
  const y = conv2d(b, dy, f, [1, 1], [[0, 0], [mh - 1, mh - 1 + extraH], [mw - 1, mw - 1 + extraW], [0, 0]], [1, 1]); // [N, A, B, sh*sw*Ci]
  const a = oh + mh - 1 + extraH;
  const bw = ow + mw - 1 + extraW;
  const r1 = reshape(b, y, [n * a, bw, sh, sw * ci]);
  const t = transpose(b, r1, [0, 2, 1, 3]); // [N*A, sh, B, sw*Ci]
  const r2 = reshape(b, t, [n, a * sh, bw * sw, ci]); // row a*sh + rh = Y
  const dx = slice(b, r2, [0, pt, pl, 0], [n, h, w, ci]);
  free(b, f, y, r1, t, r2);
  return dx;
}

export const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad: padding, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Attrs;
  if (dataFormat !== 'NHWC') throw new Error('wasm Conv2DBackpropInput supports NHWC only');
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, padding, dimRoundingMode, false, 'channelsLast',
  );
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const [, h, w] = inputShape;
  if (sh > 1 || sw > 1) {
    const phaseArgs = [b, dy, filter, sh, sw, info.padInfo.top, info.padInfo.left, h, w] as const;
    const separate = phasePolicy.force ? phasePolicy.force === 'separate' : filter.shape[2] >= 16;
    return separate ? byPhases(...phaseArgs) : byPhasesCombined(...phaseArgs);
  }
  const { out: dyd, temps } = dilate(b, dy, sh, sw);
  const hd = dyd.shape[1];
  const wd = dyd.shape[2];
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  // Output rows: hd + top + bottom - kh + 1 = h
  let bottom = h - 1 + kh - hd - top;
  let right = w - 1 + kw - wd - left;
  let src = dyd;
  const crops: TensorInfo[] = [];
  if (top < 0 || left < 0) throw new Error('wasm Conv2DBackpropInput: padding larger than the filter is not supported');
  if (bottom < 0 || right < 0) {
    src = slice(b, dyd, [0, 0, 0, 0], [dyd.shape[0], hd + Math.min(bottom, 0), wd + Math.min(right, 0), dyd.shape[3]]);
    crops.push(src);
    bottom = Math.max(bottom, 0);
    right = Math.max(right, 0);
  }
  const flipped = reverse(b, filter, [0, 1]); // [KH, KW, Ci, Co] rotated 180 degrees
  const wT = transpose(b, flipped, [0, 1, 3, 2]); // [KH, KW, Co, Ci]
  const dx = conv2d(b, src, wT, [1, 1], [[0, 0], [top, bottom], [left, right], [0, 0]], [1, 1]); // [N, H, W, Ci]
  free(b, flipped, wT, ...temps, ...crops);
  if (dyd !== dy) free(b, dyd);
  return dx;
};

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as KernelFunc,
};
