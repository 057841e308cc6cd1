/**
 * Conv2DBackpropInput for the wasm backend, on XNNPACK Conv2D instead of the built-in scalar
 * loops. It is also the forward pass of conv2dTranspose. For a forward conv with stride s,
 * padding (pt, pl) and filter W [KH, KW, Ci, Co]:
 *   dx = conv(dilate_s(dy), rot180(W)^T; stride 1, pads (KH - 1 - pt, pb'))
 * where dilate_s inserts s - 1 zeros between rows and columns of dy, rot180 flips W in space,
 * ^T swaps its channel axes to [KH, KW, Co, Ci], and pb' makes the output H x W.
 */
import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo, KernelFunc } from '@tensorflow/tfjs-core';
import { conv2d, transpose, reshape, pad, slice, reverse, free, type WasmBackend } from './wasm_ops.js';

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
