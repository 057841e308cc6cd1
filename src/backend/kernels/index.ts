/**
 * genlab's training kernel pack for tfjs-backend-wasm: gradients that are missing upstream
 * or run as scalar loops, rebuilt on the XNNPACK kernels the backend already has.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { builtin } from './wasm_ops.js';
import { conv2dBackpropFilterConfig } from './conv2d_backprop_filter.js';
import { conv2dBackpropInputConfig } from './conv2d_backprop_input.js';
import { batchMatMulConfig } from './batch_mat_mul.js';
import { splitVConfig, concatConfig } from './split_concat.js';
import { identityConfig } from './identity.js';
import { transposeConfig } from './transpose.js';
import { sliceConfig } from './slice.js';
import { sumConfig } from './sum.js';
import { addConfig } from './add.js';
import { leakyReluConfig, leakyReluGradConfig, registerLeakyReluGradient, registerReluGradient } from './leaky_relu.js';
import { siluGradConfig, registerSiluGradGradient } from './silu.js';

export const KERNEL_PACK: KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  batchMatMulConfig,
  splitVConfig,
  concatConfig,
  identityConfig,
  transposeConfig,
  sliceConfig,
  leakyReluConfig,
  leakyReluGradConfig,
  sumConfig,
  siluGradConfig,
  addConfig,
];

let registered = false;

/** Registers the pack for backend 'wasm' (once). Built-ins that the pack composes are captured first. */
export function registerWasmKernelPack(): void {
  if (registered) return;
  for (const name of ['Conv2D', 'Transpose', 'Reshape', 'Slice', 'PadV2', 'Reverse', 'BatchMatMul', 'SplitV', 'Concat', 'Identity', 'LeakyRelu', 'Sum', 'Add']) builtin(name);
  for (const k of KERNEL_PACK) {
    if (tf.getKernel(k.kernelName, 'wasm')) tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  registerLeakyReluGradient();
  registerReluGradient();
  registerSiluGradGradient();
  registered = true;
}
