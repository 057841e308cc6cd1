/**
 * The Node side of backend choice: @tensorflow/tfjs-node when it can be imported (never required:
 * its install downloads a binary), and the wasm backend's threaded build, which upstream keeps
 * from Node and wasm_threads.ts makes start there; threads default to GENLAB_THREADS or every core.
 * Native kernels for the wasm backend (backend/native: oneDNN or OpenBLAS through genlab's addon,
 * when `npm install` could build it), and the relaxed-SIMD variant of genlab's wasm module.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendPlatform } from './core.js';
import { startThreadedWasm } from './wasm_threads.js';
import { enableNative, describeNative, nativeAvailable } from './native/index.js';
import { enableRelaxedSimd } from './wasm/relaxed_simd_node.js';

// genlab's wasm module uses relaxed-SIMD multiply-adds where this Node validates them (Node 20:
// after V8's flag, which must be set before the module is compiled on first use).
enableRelaxedSimd();

async function startTfjsNode(): Promise<boolean> {
  try {
    // A variable specifier keeps bundlers and TypeScript from treating it as a dependency.
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

export const nodePlatform: BackendPlatform = {
  defaultThreads: () => Number(process.env.GENLAB_THREADS ?? availableParallelism()),
  startThreadedWasm,
  startNative: startTfjsNode,
  enableNativeKernels(mode, threads) {
    const s = enableNative({ mode, threads });
    return { active: s.active, description: describeNative(s) };
  },
  nativeKernelsAvailable: (mode) => nativeAvailable(mode),
};
