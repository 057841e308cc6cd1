/**
 * Conv2DBackpropFilter for the wasm backend (missing upstream, tfjs #8474), composed from
 * the XNNPACK Conv2D. For a forward conv y = conv(x, W) with stride s, dilation d, padding
 * (pt, pl):
 *   dW[kh, kw, ci, co] = sum_{n, oh, ow} x[n, oh s + kh d - pt, ow s + kw d - pl, ci] dy[n, oh, ow, co]
 * which is itself a convolution: batch = Ci, channels = N, "filter" = dy as [OH, OW, N, Co]
 * with dilation s, output positions (kh, kw) stepping by d:
 *   dW^T = conv(x^T [Ci, H, W, N], dy^T [OH, OW, N, Co]; stride d, dilation s, pads (pt, pb'))
 * where pb' makes the output exactly KH x KW (x is cropped where pb' would be negative).
 */
import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo, KernelFunc, NamedAttrMap } from '@tensorflow/tfjs-core';
import { conv2d, transpose, slice, free, type WasmBackend } from './wasm_ops.js';

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
