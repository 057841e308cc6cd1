/**
 * Kernels written in plain TypeScript over Float32Arrays, for the wasm and cpu backends.
 *
 * The wasm backend keeps every tensor on the WebAssembly heap, so a kernel can read and write
 * it through typed-array views without copying. That makes memory-bound kernels (reductions
 * over leading axes, group statistics, channel splits) one pass in JIT-compiled JS instead of a
 * transpose plus a wasm kernel. The same functions run on the cpu backend, whose tensors are
 * plain typed arrays, which gives the cross-backend tests one code path to compare against
 * tfjs's own composite ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

type HeapBackend = tf.KernelBackend & {
  makeOutput?(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap?(t: TensorInfo): tf.backend_util.TypedArray;
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): TensorInfo;
  data: { get(dataId: object): { values?: tf.backend_util.BackendValues } };
};

/**
 * Runs `compute` on float32 views of `inputs` and of freshly allocated outputs of `outShapes`
 * and returns the outputs as TensorInfos owned by the caller.
 * On wasm the views are taken after every allocation, because growing the heap detaches older views.
 */
export function runOnArrays(
  backend: unknown,
  inputs: TensorInfo[],
  outShapes: number[][],
  compute: (ins: Float32Array[], outs: Float32Array[]) => void,
): TensorInfo[] {
  const b = backend as HeapBackend;
  for (const t of inputs) if (t.dtype !== 'float32') throw new Error(`genlab kernel: expected float32, got ${t.dtype}`);
  if (b.typedArrayFromHeap && b.makeOutput) {
    const outInfos = outShapes.map((s) => b.makeOutput!(s, 'float32'));
    const ins = inputs.map((t) => b.typedArrayFromHeap!(t) as Float32Array);
    const outs = outInfos.map((t) => b.typedArrayFromHeap!(t) as Float32Array);
    compute(ins, outs);
    return outInfos;
  }
  if (!b.makeTensorInfo) throw new Error('genlab kernel: backend has neither a wasm heap nor makeTensorInfo');
  const ins = inputs.map((t) => {
    const v = b.data.get(t.dataId).values;
    if (!(v instanceof Float32Array)) throw new Error('genlab kernel: cpu tensor has no float32 values');
    return v;
  });
  const outs = outShapes.map((s) => new Float32Array(tf.util.sizeFromShape(s)));
  compute(ins, outs);
  return outs.map((o, i) => b.makeTensorInfo!(outShapes[i], 'float32', o));
}

