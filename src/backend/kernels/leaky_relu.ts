/**
 * Leaky ReLU and its gradient as single f32x4 passes (heap_kernels.wat) on the wasm backend.
 *
 * The built-in LeakyRelu runs as a scalar loop (~3.7 ms for [64,14,14,64]), and tfjs's
 * gradient, dy * where(x > 0, 1, alpha), is three more kernels (Greater, Select, Multiply);
 * together ~40 ms of a ~410 ms dcgan step. Here:
 *   y = x > 0 ? x : alpha x,        dx = x > 0 ? dy : alpha dy
 * The gradient kernel has a gradient of its own (second order, as WGAN-GP's penalty needs):
 *   d dx / d dy = (x > 0 ? 1 : alpha), so ddy = leakyReluGrad(ddx, x); d dx / d x = 0 (a.e.).
 *
 * ReLU's gradient is the same kernel with alpha = 0: tfjs's, dy * cast(step(x)), is three
 * passes (Step, Cast, Multiply) that came to ~1/4 of a conv-ae step once its convolutions ran
 * natively.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { runOnArrays } from './heap.js';
import { builtin } from './wasm_ops.js';
import { heapKernelsFor } from '../wasm/heap_kernels.js';

export const LEAKY_RELU_GRAD = 'GenlabLeakyReluGrad';

const leakyRelu: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const { alpha } = attrs as unknown as { alpha: number };
  const heap = heapKernelsFor(backend);
  if (!heap || x.dtype !== 'float32') return builtin('LeakyRelu')({ inputs, backend, attrs: attrs as NamedAttrMap });
  const [y] = runOnArrays(backend, [x], [x.shape], ([xv], [yv]) => heap.leaky_relu(xv.byteOffset, yv.byteOffset, xv.length, alpha));
  return y;
};

const leakyReluGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const { alpha } = attrs as unknown as { alpha: number };
  const heap = heapKernelsFor(backend);
  if (!heap) throw new Error(`${LEAKY_RELU_GRAD} needs the wasm backend`);
  const [dx] = runOnArrays(backend, [dy, x], [x.shape], ([dyv, xv], [dxv]) =>
    heap.leaky_relu_grad(dyv.byteOffset, xv.byteOffset, dxv.byteOffset, xv.length, alpha),
  );
  return dx;
};

export const leakyReluConfig: KernelConfig = { kernelName: 'LeakyRelu', backendName: 'wasm', kernelFunc: leakyRelu };
export const leakyReluGradConfig: KernelConfig = { kernelName: LEAKY_RELU_GRAD, backendName: 'wasm', kernelFunc: leakyReluGrad };

/** Gradient of the gradient kernel (see the header). */
const leakyReluGradGradient: GradConfig = {
  kernelName: LEAKY_RELU_GRAD,
  inputsToSave: ['x'],
  gradFunc: (ddx, saved, attrs) => {
    const [x] = saved;
    return {
      dy: () => tf.engine().runKernel(LEAKY_RELU_GRAD, { dy: ddx as tf.Tensor, x }, attrs) as tf.Tensor,
      x: () => tf.zerosLike(x),
    };
  },
};

/**
 * Replaces tfjs's LeakyRelu gradient with one that calls the fused kernel where the current
 * backend has it and tfjs's own gradient elsewhere.
 */
export function registerLeakyReluGradient(): void {
  const original = tf.getGradient('LeakyRelu');
  if (!original || (original as { genlab?: boolean }).genlab) return;
  const fused: GradConfig & { genlab: boolean } = {
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    genlab: true,
    gradFunc: (dy, saved, attrs) => {
      if (!tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) || saved[0].dtype !== 'float32') return original.gradFunc(dy, saved, attrs);
      const [x] = saved;
      return { x: () => tf.engine().runKernel(LEAKY_RELU_GRAD, { dy: dy as tf.Tensor, x }, attrs) as tf.Tensor };
    },
  };
  tf.registerGradient(fused);
  tf.registerGradient(leakyReluGradGradient);
}

/**
 * Replaces tfjs's Relu gradient, dy * cast(step(x)), with the fused kernel at alpha = 0 where
 * the current backend has it (x > 0 ? dy : 0 exactly; second order as above).
 */
export function registerReluGradient(): void {
  const original = tf.getGradient('Relu');
  if (!original || (original as { genlab?: boolean }).genlab) return;
  const fused: GradConfig & { genlab: boolean } = {
    kernelName: 'Relu',
    inputsToSave: ['x'],
    genlab: true,
    gradFunc: (dy, saved, attrs) => {
      if (!tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) || saved[0].dtype !== 'float32') return original.gradFunc(dy, saved, attrs);
      const [x] = saved;
      return { x: () => tf.engine().runKernel(LEAKY_RELU_GRAD, { dy: dy as tf.Tensor, x }, { alpha: 0 }) as tf.Tensor };
    },
  };
  tf.registerGradient(fused);
}
