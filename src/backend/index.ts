/**
 * Chooses and starts the tensor backend. In Node: @tensorflow/tfjs-node when it can be
 * imported (never required: its install downloads a binary), else tfjs-backend-wasm with
 * genlab's training kernel pack, else the plain-JavaScript cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import './register_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { UserError } from '../util/errors.js';
import { registerWasmKernelPack } from './kernels/index.js';
import { startThreadedWasm } from './wasm_threads.js';
import { availableParallelism } from 'node:os';

export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'node';

export interface BackendInfo {
  name: 'wasm' | 'cpu' | 'tensorflow';
  threads: number;
  kernelPack: boolean;
  simd: boolean;
}

let current: { choice: BackendChoice; info: BackendInfo } | null = null;
/** Threads the wasm module was started with (it starts once per process). */
let wasmStarted: number | null = null;

async function tryNode(): Promise<boolean> {
  try {
    // A variable specifier keeps bundlers and TypeScript from treating it as a dependency.
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

/** The cpu backend greets Node users with advice to install tfjs-node, which cannot be installed here. */
function silenceCpuBanner(): void {
  const b = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (b) b.firstUse = false;
}

export async function initBackend(opts: { backend?: BackendChoice; threads?: number } = {}): Promise<BackendInfo> {
  const choice = opts.backend ?? 'auto';
  if (current && current.choice === choice) return current.info;
  if (choice === 'node' || choice === 'auto') {
    if (await tryNode()) {
      current = { choice, info: { name: 'tensorflow', threads: 0, kernelPack: false, simd: false } };
      return current.info;
    }
    if (choice === 'node') throw new UserError("--backend node: @tensorflow/tfjs-node cannot be imported (install it, or use --backend wasm)");
  }
  if (choice === 'wasm' || choice === 'auto') {
    // Threads pay on convolutions (XNNPACK splits each across them); default: every core, at most 8.
    const wanted = Math.max(1, Math.min(8, opts.threads ?? Number(process.env.GENLAB_THREADS ?? availableParallelism())));
    let ok = false;
    let threads = 1;
    if (wasmStarted === null && wanted > 1 && (await startThreadedWasm(wanted))) {
      ok = true;
      threads = getThreadsCount(); // what the module's pool really has, not what was asked for
      wasmStarted = threads;
    }
    if (!ok) {
      try {
        ok = await tf.setBackend('wasm');
        await tf.ready();
        threads = wasmStarted ?? 1;
        wasmStarted ??= 1;
      } catch {
        ok = false;
      }
    }
    if (ok) {
      registerWasmKernelPack();
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      current = { choice, info: { name: 'wasm', threads, kernelPack: true, simd } };
      return current.info;
    }
    if (choice === 'wasm') throw new UserError('--backend wasm: the wasm backend failed to start');
  }
  await tf.setBackend('cpu');
  await tf.ready();
  silenceCpuBanner();
  current = { choice, info: { name: 'cpu', threads: 1, kernelPack: false, simd: false } };
  return current.info;
}

export function describeBackend(info: BackendInfo): string {
  if (info.name === 'tensorflow') return 'backend node (@tensorflow/tfjs-node)';
  if (info.name === 'cpu') return 'backend cpu (plain JavaScript, 1 thread)';
  const parts = [info.kernelPack ? 'genlab kernel pack' : 'stock kernels', info.simd ? 'simd' : 'no simd', `${info.threads} thread${info.threads === 1 ? '' : 's'}`];
  return `backend wasm (${parts.join(', ')})`;
}
