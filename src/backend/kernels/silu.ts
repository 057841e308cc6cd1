/**
 * SiLU's gradient as one f32x4 pass (heap_kernels.wat) on the wasm backend. With y = x s,
 * s = sigmoid(x), tfjs differentiates the product and the sigmoid separately: six kernels, each a
 * full pass over the activation (two Multiply for the product, Sub and two Multiply for the
 * sigmoid, an Add to sum the two paths), which for the U-Net's ten SiLUs over up to 64x28x28x96
 * came to a few hundred kernels per step once its convolutions ran natively. Here, from the
 * saved s:
 *   dx = dy s (1 + x (1 - s))
 * The gradient kernel has a gradient of its own (second order), in tfjs ops:
 *   d dx / d dy = s (1 + x (1 - s))  ->  ddy = siluGrad(ddx, x, s)
 *   d dx / d x  = dy s (1 - s) (2 + x (1 - 2 s))   (s as the function of x it is; its own input
 *   gets no gradient, so that path is not counted twice)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runOnArrays } from './heap.js';
import { heapKernelsFor } from '../wasm/heap_kernels.js';

export const SILU_GRAD = 'GenlabSiluGrad';

const siluGrad: KernelFunc = ({ inputs, backend }) => {
  const { dy, x, s } = inputs as { dy: TensorInfo; x: TensorInfo; s: TensorInfo };
  const heap = heapKernelsFor(backend);
  if (!heap) throw new Error(`${SILU_GRAD} needs the wasm backend`);
  const [dx] = runOnArrays(backend, [dy, x, s], [x.shape], ([dyv, xv, sv], [dxv]) =>
    heap.silu_grad(dyv.byteOffset, xv.byteOffset, sv.byteOffset, dxv.byteOffset, xv.length),
  );
  return dx;
};

export const siluGradConfig: KernelConfig = { kernelName: SILU_GRAD, backendName: 'wasm', kernelFunc: siluGrad };

const siluGradGradient: GradConfig = {
  kernelName: SILU_GRAD,
  inputsToSave: ['dy', 'x', 's'],
  gradFunc: (ddx, saved) => {
    const [dy, x, s] = saved;
    const g = ddx as tf.Tensor;
    return {
      dy: () => tf.engine().runKernel(SILU_GRAD, { dy: g, x, s }) as tf.Tensor,
      x: () => tf.tidy(() => tf.mul(tf.mul(tf.mul(g, dy), tf.mul(s, tf.sub(1, s))), tf.add(2, tf.mul(x, tf.sub(1, tf.mul(2, s)))))),
      s: () => tf.zerosLike(s),
    };
  },
};

export function registerSiluGradGradient(): void {
  if (!tf.getGradient(SILU_GRAD)) tf.registerGradient(siluGradGradient);
}
