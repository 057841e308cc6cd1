/**
 * The page side of the browser test, bundled from genlab's core entry: start wasm with the
 * kernel pack (2 threads when the page is cross-origin isolated), load the pretrained DDPM over
 * HTTP, sample with DDIM. Exposed as window.genlabSample for the test to call.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadRun } from '../../src/index.js';
import { heapKernelsFor } from '../../src/backend/wasm/heap_kernels.js';
import { ddimPixels } from './ddim_sample.js';

export interface PageResult {
  isolated: boolean;
  backend: string;
  threads: number;
  simd: boolean;
  kernelPack: boolean;
  /** genlab's own wasm module (embedded bytes, compiled synchronously) instantiated on the tfjs heap. */
  heapKernels: boolean;
  /** Whether that module is its relaxed-SIMD variant (fused multiply-adds), where the engine validates it. */
  relaxedSimd: boolean;
  pixels: number[];
  ms: { init: number; load: number; sample: number };
}

async function genlabSample(opts: { wasmPaths: string; model: string; threads: number }): Promise<PageResult> {
  const t0 = performance.now();
  const info = await initBackend({ backend: 'wasm', threads: opts.threads, wasmPaths: opts.wasmPaths });
  const t1 = performance.now();
  const run = await loadRun(opts.model);
  const t2 = performance.now();
  try {
    const pixels = await ddimPixels(run.model);
    const t3 = performance.now();
    const k = heapKernelsFor(tf.backend());
    const relaxedSimd = k !== undefined && 'relaxed' in k && k.relaxed === true;
    return { isolated: crossOriginIsolated, backend: info.name, threads: info.threads, simd: info.simd, kernelPack: info.kernelPack, heapKernels: k !== undefined, relaxedSimd, pixels: Array.from(pixels), ms: { init: t1 - t0, load: t2 - t1, sample: t3 - t2 } };
  } finally {
    run.model.dispose();
  }
}

(globalThis as { genlabSample?: typeof genlabSample }).genlabSample = genlabSample;
