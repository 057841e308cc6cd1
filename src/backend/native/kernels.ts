/**
 * Native kernels for the wasm backend: BatchMatMul, Conv2D, Conv2DBackpropInput (also the
 * forward pass of conv2dTranspose), Conv2DBackpropFilter, Exp, Log1p and the pack's Adam update through genlab's addon, in place on
 * the wasm heap: inputs are read where the tensors live and outputs are allocated with the
 * backend's makeOutput and written there, so no tensor is copied in or out.
 *
 * The kernels are registered over the kernel pack's (and the built-in Conv2D) once, and each
 * call goes native only while native kernels are active and the call is one the addon covers
 * (float32, NHWC, batch broadcasting of equal or unit batches); anything else, and every call
 * while inactive, goes to the kernel that was registered before, so switching is free.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, broadcast_util, util, BatchMatMul, Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, Exp, Log1p } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { heapKernelsFor } from '../wasm/heap_kernels.js';
import type { NativeAddon } from './addon.js';
import { ADAM_UPDATE, adamUpdateConfigs, type AdamStep } from '../kernels/adam_update.js';
import { registerOnce } from '../kernels/register.js';
import { runOnArrays } from '../kernels/heap.js';

type WasmBackend = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
};

let addon: NativeAddon | null = null;
let active = false;
/** Native calls made since load (tests check that the native path really ran). */
export const nativeCalls = { gemm: 0, conv: 0, unary: 0, adam: 0 };

let view: Uint8Array | null = null;

/** A byte view of the backend's heap, made again when the heap has grown (a new buffer). */
function heapOf(b: WasmBackend): Uint8Array {
  const memory = heapKernelsFor(b)?.memory;
  if (!memory) throw new Error('genlab native kernels: the wasm backend has no heap to work on');
  const buffer = memory.buffer;
  if (!view || view.buffer !== buffer) view = new Uint8Array(buffer);
  return view;
}

const offsetOf = (b: WasmBackend, t: TensorInfo): number => b.dataIdMap.get(t.dataId).memoryOffset;

type Conv4 = [number, number, number, number];

/** The addon's geometry array from tfjs's conv info. */
function geometry(info: backend_util.Conv2DInfo): number[] {
  const p = info.padInfo;
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    p.top, p.left, p.bottom, p.right,
  ];
}

function fallbackFor(name: string): KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm backend has no kernel ${name}`);
  return k.kernelFunc;
}

const fallbacks = new Map<string, KernelFunc>();
const prev = (name: string): KernelFunc => fallbacks.get(name)!;

const nonEmpty = (...shapes: number[][]): boolean => shapes.every((s) => util.sizeFromShape(s) > 0);

const batchMatMul: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (!active || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return prev(BatchMatMul)(args);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  // Equal batches, or one side shared by every batch entry; other broadcasts go to the pack.
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = util.sizeFromShape(outer);
  if (k !== kb || !(batchA === batch || batchA === 1) || !(batchB === batch || batchB === 1) || m * n * batch === 0 || k === 0) {
    return prev(BatchMatMul)(args);
  }
  const wb = backend as WasmBackend;
  const out = wb.makeOutput([...outer, m, n], 'float32');
  const heap = heapOf(wb);
  addon!.gemm(heap, batch, transposeA, transposeB, m, n, k, offsetOf(wb, a), offsetOf(wb, b), offsetOf(wb, out), batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n);
  nativeCalls.gemm++;
  return out;
};

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | Conv4[] | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: Conv4;
  inputShape?: Conv4;
}

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as Conv4, filterShape as Conv4, a.strides, a.dilations ?? 1, a.pad as 'same', a.dimRoundingMode, false, 'channelsLast',
  );
}

const conv2d: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const at = attrs as unknown as ConvAttrs;
  if (!active || at.dataFormat !== 'NHWC' || x.dtype !== 'float32' || filter.dtype !== 'float32') return prev(Conv2D)(args);
  const info = convInfo(x.shape, filter.shape, at);
  if (!nonEmpty(x.shape, filter.shape, info.outShape)) return prev(Conv2D)(args);
  const wb = backend as WasmBackend;
  const y = wb.makeOutput(info.outShape, 'float32');
  addon!.conv(heapOf(wb), 0, geometry(info), offsetOf(wb, x), offsetOf(wb, filter), offsetOf(wb, y));
  nativeCalls.conv++;
  return y;
};

const conv2dBackpropInput: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const at = attrs as unknown as ConvAttrs;
  if (!active || at.dataFormat !== 'NHWC' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return prev(Conv2DBackpropInput)(args);
  const info = convInfo(at.inputShape!, filter.shape, { ...at, dilations: 1 });
  if (!nonEmpty(dy.shape, filter.shape, at.inputShape!) || !util.arraysEqual(info.outShape, dy.shape)) return prev(Conv2DBackpropInput)(args);
  const wb = backend as WasmBackend;
  const dx = wb.makeOutput(at.inputShape!, 'float32');
  addon!.conv(heapOf(wb), 1, geometry(info), offsetOf(wb, dy), offsetOf(wb, filter), offsetOf(wb, dx));
  nativeCalls.conv++;
  return dx;
};

const conv2dBackpropFilter: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const at = attrs as unknown as ConvAttrs;
  if (!active || at.dataFormat !== 'NHWC' || x.dtype !== 'float32' || dy.dtype !== 'float32') return prev(Conv2DBackpropFilter)(args);
  const info = convInfo(x.shape, at.filterShape!, { ...at, dilations: 1 });
  if (!nonEmpty(x.shape, dy.shape, at.filterShape!) || !util.arraysEqual(info.outShape, dy.shape)) return prev(Conv2DBackpropFilter)(args);
  const wb = backend as WasmBackend;
  const dw = wb.makeOutput(at.filterShape!, 'float32');
  addon!.conv(heapOf(wb), 2, geometry(info), offsetOf(wb, x), offsetOf(wb, dy), offsetOf(wb, dw));
  nativeCalls.conv++;
  return dw;
};

/** Exp (op 0) and Log1p (op 1) on float32 tensors; other dtypes and older addons go to the pack. */
function unaryKernel(name: string, op: 0 | 1): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const { x } = inputs as { x: TensorInfo };
    if (!active || !addon!.unary || x.dtype !== 'float32' || util.sizeFromShape(x.shape) === 0) return prev(name)(args);
    const wb = backend as WasmBackend;
    const y = wb.makeOutput(x.shape, 'float32');
    addon!.unary(heapOf(wb), op, offsetOf(wb, x), offsetOf(wb, y), util.sizeFromShape(x.shape));
    nativeCalls.unary++;
    return y;
  };
}

/** GenlabAdamUpdate (kernels/adam_update.ts) with the addon's update, split over its threads; older addons go to the pack. */
const adamUpdate: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { p, g, m, v } = inputs as Record<'p' | 'g' | 'm' | 'v', TensorInfo>;
  if (!active || !addon!.adam || [p, g, m, v].some((t) => t.dtype !== 'float32')) return prev(ADAM_UPDATE)(args);
  const s = attrs as unknown as AdamStep;
  return runOnArrays(backend, [p, g, m, v], [p.shape, p.shape, p.shape], ([pv, gv, mv, vv], [po, mo, vo]) => {
    addon!.adam!(heapOf(backend as WasmBackend), pv.byteOffset, gv.byteOffset, mv.byteOffset, vv.byteOffset, po.byteOffset, mo.byteOffset, vo.byteOffset,
      pv.length, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.lr / s.c1, 1 / Math.sqrt(s.c2), s.eps);
    nativeCalls.adam++;
  });
};

const NATIVE: [string, KernelFunc][] = [
  [ADAM_UPDATE, adamUpdate],
  [Exp, unaryKernel(Exp, 0)],
  [Log1p, unaryKernel(Log1p, 1)],
  [BatchMatMul, batchMatMul],
  [Conv2D, conv2d],
  [Conv2DBackpropInput, conv2dBackpropInput],
  [Conv2DBackpropFilter, conv2dBackpropFilter],
];

/** The kernel names that go native. */
export const NATIVE_KERNELS = NATIVE.map(([name]) => name);

/**
 * Registers the native kernels over whatever 'wasm' has for those names (the kernel pack's,
 * which must be registered first), once; later calls only switch them on or off.
 */
export function installNativeKernels(a: NativeAddon): void {
  if (addon) return;
  registerOnce(adamUpdateConfigs); // the optimiser registers it on first use; it must be there to be wrapped
  for (const [name, kernelFunc] of NATIVE) {
    fallbacks.set(name, fallbackFor(name));
    const setupFunc = tf.getKernel(name, 'wasm')!.setupFunc;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc, setupFunc });
  }
  addon = a;
}

/** Native kernels on or off (they must be installed to go on). */
export function setNativeActive(on: boolean): void {
  active = on && addon !== null;
}

export function nativeActive(): boolean {
  return active;
}
