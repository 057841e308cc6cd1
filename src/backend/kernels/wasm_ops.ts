/**
 * Calls into the wasm backend's own kernels from inside a composite kernel. Every helper
 * returns a TensorInfo owned by the caller, who frees it with `free` once used, so a
 * composite kernel leaves no buffer behind (checked with backend.numDataIds() in tests).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo, NamedAttrMap, KernelFunc } from '@tensorflow/tfjs-core';

export type WasmBackend = tf.KernelBackend & {
  disposeData(dataId: object, force?: boolean): boolean;
  numDataIds(): number;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): TensorInfo;
};

/** Built-in kernels captured before the pack replaces any of them. */
const captured = new Map<string, KernelFunc>();

export function builtin(name: string): KernelFunc {
  let k = captured.get(name);
  if (!k) {
    const cfg = tf.getKernel(name, 'wasm');
    if (!cfg) throw new Error(`wasm backend has no kernel ${name}`);
    k = cfg.kernelFunc;
    captured.set(name, k);
  }
  return k;
}

export function call(name: string, backend: WasmBackend, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  return builtin(name)({ inputs, backend, attrs }) as TensorInfo;
}

export function free(backend: WasmBackend, ...infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** The registered Transpose (the pack's tiled one once registered), not the captured built-in. */
export const transpose = (b: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo =>
  tf.getKernel('Transpose', 'wasm')!.kernelFunc({ inputs: { x }, backend: b, attrs: { perm } }) as TensorInfo;
export const reshape = (b: WasmBackend, x: TensorInfo, shape: number[]): TensorInfo => call('Reshape', b, { x }, { shape });
/** The registered Slice (the pack's run-copying one once registered). */
export const slice = (b: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo =>
  tf.getKernel('Slice', 'wasm')!.kernelFunc({ inputs: { x }, backend: b, attrs: { begin, size } }) as TensorInfo;
export const pad = (b: WasmBackend, x: TensorInfo, paddings: [number, number][]): TensorInfo => call('PadV2', b, { x }, { paddings, constantValue: 0 });
export const reverse = (b: WasmBackend, x: TensorInfo, dims: number[]): TensorInfo => call('Reverse', b, { x }, { dims });

/** XNNPACK Conv2D, NHWC, explicit padding [[0,0],[t,b],[l,r],[0,0]]. */
export function conv2d(
  b: WasmBackend,
  x: TensorInfo,
  filter: TensorInfo,
  strides: [number, number],
  padding: [[number, number], [number, number], [number, number], [number, number]],
  dilations: [number, number],
): TensorInfo {
  return call('Conv2D', b, { x, filter }, { strides, pad: padding, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined } as unknown as NamedAttrMap);
}
