/**
 * Registers genlab's own kernels (fused ops with no tfjs counterpart) for the backends that
 * have them, once, on first use by the op that needs them; kernels already present are kept.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

const done = new WeakSet<KernelConfig[]>();

export function registerOnce(configs: KernelConfig[]): void {
  if (done.has(configs)) return;
  for (const k of configs) if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k);
  done.add(configs);
}
