/**
 * Conv2DBackpropFilter for the wasm backend (missing upstream, tfjs #8474), composed from
 * the XNNPACK Conv2D. For a forward conv y = conv(x, W) with stride s, dilation d, padding
 * (pt, pl):
 *   dW[kh, kw, ci, co] = sum_{n, oh, ow} x[n, oh s + kh d - pt, ow s + kw d - pl, ci] dy[n, oh, ow, co]
 * which is itself a convolution: batch = Ci, channels = N, "filter" = dy as [OH, OW, N, Co]
 * with dilation s, output positions (kh, kw) stepping by d:
 *   dW^T = conv(x^T [Ci, H, W, N], dy^T [OH, OW, N, Co]; stride d, dilation s, pads (pt, pb'))
 * where pb' makes the output exactly KH x KW (x is cropped where pb' would be negative).
 *
 * Faster where its buffer fits (im2colFilterGrad): the same sum as one matrix product,
 *   dW [KH KW Ci, Co] = P^T [KH KW Ci, N OH OW] dy [N OH OW, Co],
 *   P^T[(kh, kw, ci), (n, oh, ow)] = x[n, oh s + kh d - pt, ow s + kw d - pl, ci] (0 outside),
 * with P^T gathered by heap_kernels.wat's tile copy (Ci contiguous in x, ow strided by s Ci)
 * and the product on XNNPACK, a chunk of the batch at a time (see preferIm2col for where it
 * wins).
 */
import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo, KernelFunc, NamedAttrMap } from '@tensorflow/tfjs-core';
import { call, conv2d, transpose, reshape, slice, free, type WasmBackend } from './wasm_ops.js';
import { runOnArrays } from './heap.js';
import { heapKernelsFor } from '../wasm/heap_kernels.js';

/**
 * When the im2col path is taken: never for a P^T larger than maxElements floats; otherwise as
 * preferIm2col decides, unless `force` says always (true) or never (false), as tests do.
 */
export const im2colPolicy: { maxElements: number; force?: boolean } = { maxElements: 32 * 2 ** 20 };

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Rows [begin, begin + size) of axis `axis` of a 4-D tensor; null when nothing to crop. */
function cropAxis(b: WasmBackend, x: TensorInfo, axis: number, size: number): TensorInfo | null {
  if (x.shape[axis] <= size) return null;
  const begin = [0, 0, 0, 0];
  const sz = [...x.shape];
  sz[axis] = size;
  return slice(b, x, begin, sz);
}

/**
 * Where im2col beats the convolution form, measured in the unet-ddpm and dcgan steps (ms per
 * call, convolution / im2col): few input channels, 28x28x1 -> 14x14x64 s2 13 / 5,
 * 28x28x1 -> 28x28x32 20 / 9; stride 1 with Ci >= 32, 28x28x32 -> 32 40 / 35, 28x28x96 -> 32
 * 56 / 49. Not with one output channel (28x28x32 -> 1: 7 / 25) or strided with many input
 * channels (28x28x64 -> 14x14x64 s2: 34 / 47; 14x14x64 -> 7x7x128 s2: equal).
 */
function preferIm2col(ci: number, co: number, sh: number, sw: number): boolean {
  if (co < 16) return false;
  return (sh === 1 && sw === 1) || ci <= 4;
}

/** dW by im2col and one matrix product (see the file comment); null when it does not apply. */
function im2colFilterGrad(b: WasmBackend, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const heap = heapKernelsFor(b);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const rows = kh * kw * ci;
  if (!heap || x.dtype !== 'float32' || rows * n * oh * ow > im2colPolicy.maxElements) return null;
  if (!(im2colPolicy.force ?? preferIm2col(ci, co, sh, sw))) return null;
  // Images per product, so that its inner dimension is ~1024: one product over the whole batch
  // (inner dimension N OH OW) ran ~1.7x slower in the dcgan step (cache misses), 37 vs 22 ms.
  const chunk = Math.max(1, Math.min(n, Math.round(1024 / (oh * ow))));
  let total: TensorInfo | null = null;
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const nb = Math.min(chunk, n - n0);
    const cols = nb * oh * ow;
    const [pT] = runOnArrays(b, [x], [[1, rows, cols]], ([xv], [pv]) => {
      pv.fill(0); // taps that fall on the padding
      for (let fh = 0; fh < kh; fh++) {
        for (let fw = 0; fw < kw; fw++) {
          // Output columns whose input column ow s + fw d - pl lies inside [0, W).
          const off = fw * dw - pl;
          const owLo = Math.max(0, Math.ceil(-off / sw));
          const owHi = Math.min(ow - 1, Math.floor((w - 1 - off) / sw));
          if (owHi < owLo) continue;
          const row0 = (fh * kw + fw) * ci; // first row of P^T for this tap
          for (let bn = 0; bn < nb; bn++) {
            for (let r = 0; r < oh; r++) {
              const ih = r * sh + fh * dh - pt;
              if (ih < 0 || ih >= h) continue;
              const src = (((n0 + bn) * h + ih) * w + owLo * sw + off) * ci;
              const dst = row0 * cols + (bn * oh + r) * ow + owLo;
              // P^T[row0 + c, col + j] = x[src + c + j * sw ci]
              heap.tile(xv.byteOffset + 4 * src, pv.byteOffset + 4 * dst, ci, owHi - owLo + 1, sw * ci, cols, 16);
            }
          }
        }
      }
    });
    const dyc = nb === n ? dy : slice(b, dy, [n0, 0, 0, 0], [nb, oh, ow, co]);
    const dy2 = reshape(b, dyc, [1, cols, co]);
    const part = call('BatchMatMul', b, { a: pT, b: dy2 }, { transposeA: false, transposeB: false }); // [1, KH KW Ci, Co]
    free(b, pT, dy2);
    if (dyc !== dy) free(b, dyc);
    if (total) {
      const sum = call('Add', b, { a: total, b: part });
      free(b, total, part);
      total = sum;
    } else total = part;
  }
  const out = reshape(b, total!, [kh, kw, ci, co]);
  free(b, total!);
  return out;
}

export const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Attrs;
  if (dataFormat !== 'NHWC') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast',
  );
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const [, h, w] = x.shape;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  // Bottom/right padding that makes the output exactly kh x kw (dilation-1 forward conv):
  //   out = H + pt + pb - ((OH - 1) s + 1) + 1 = KH  =>  pb = KH - 1 + (OH - 1) s + 1 - H - pt
  let pb = kh - 1 + (oh - 1) * sh + 1 - h - pt;
  let pr = kw - 1 + (ow - 1) * sw + 1 - w - pl;

  const viaIm2col = im2colFilterGrad(b, x, dy, info);
  if (viaIm2col) return viaIm2col;

  const xt = transpose(b, x, [3, 1, 2, 0]); // [Ci, H, W, N]
  let xc = xt;
  const cropH = pb < 0 ? cropAxis(b, xc, 1, h + pb) : null;
  if (cropH) {
    xc = cropH;
    pb = 0;
  }
  const cropW = pr < 0 ? cropAxis(b, xc, 2, w + pr) : null;
  if (cropW) {
    xc = cropW;
    pr = 0;
  }
  const dyt = transpose(b, dy, [1, 2, 0, 3]); // [OH, OW, N, Co]
  const dwt = conv2d(b, xc, dyt, [1, 1], [[0, 0], [pt, pb], [pl, pr], [0, 0]], [sh, sw]); // [Ci, KH, KW, Co]
  const dw = transpose(b, dwt, [1, 2, 0, 3]); // [KH, KW, Ci, Co]
  free(b, xt, dyt, dwt);
  if (cropH) free(b, cropH);
  if (cropW) free(b, cropW);
  return dw;
};

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as KernelFunc,
};

export type { NamedAttrMap };
