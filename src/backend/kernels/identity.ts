/**
 * Identity without a copy. tfjs clones every input an op saves for its gradient through the
 * Identity kernel; the wasm backend's version copies the buffer (~400 copies per unet-ddpm
 * step). Tensor buffers are immutable in tfjs, so sharing the buffer under a raised reference
 * count is safe; it is what the cpu backend and the wasm Reshape kernel already do.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { builtin } from './wasm_ops.js';

const identity: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  if (x.dtype === 'string' || x.dtype === 'complex64') return builtin('Identity')({ inputs, backend, attrs });
  (backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

export const identityConfig: KernelConfig = { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity };
