/**
 * Chooses and starts the tensor backend, anywhere: tfjs-backend-wasm with genlab's training
 * kernel pack, else the plain-JavaScript cpu backend. What differs between a browser page and
 * Node (how many threads, how the threaded build starts, whether a native backend exists) is a
 * BackendPlatform; this file's own is the web's, and genlab/node installs Node's (node.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import './register_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { UserError } from '../util/errors.js';
import { registerWasmKernelPack } from './kernels/index.js';
import { heapKernelsFor } from './wasm/heap_kernels.js';

export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'node';
/** Native kernels for the wasm backend (Node, when genlab's addon is built): see backend/native. */
export type NativeChoice = 'auto' | 'on' | 'off';

export interface BackendInfo {
  name: 'wasm' | 'cpu' | 'tensorflow';
  threads: number;
  kernelPack: boolean;
  simd: boolean;
  /** Whether genlab's own wasm module runs its relaxed-SIMD variant (fused multiply-adds), picked at load time. */
  relaxedSimd?: boolean;
  /** Whether native kernels serve the wasm backend, and the start-up line saying what is in use (platforms that have them). */
  native?: { active: boolean; description: string };
}

export interface InitBackendOptions {
  backend?: BackendChoice;
  /** wasm threads (default: the platform's, see BackendPlatform.defaultThreads); at most 8. */
  threads?: number;
  /**
   * Where tfjs-backend-wasm's .wasm files are served, a URL prefix ending in '/' (browser pages:
   * a bundle cannot find them by itself). Must be given before the wasm backend first starts.
   */
  wasmPaths?: string;
  /**
   * Native matrix products and convolutions for the wasm backend where the platform has them
   * (Node with genlab's addon built): auto uses them when present, on requires them, off keeps
   * the wasm path. Default: GENLAB_NATIVE, else auto. When they serve, they get `threads` and
   * the wasm module one (see initBackend).
   */
  native?: NativeChoice;
}

/** What starting a backend needs from the place genlab runs in. */
export interface BackendPlatform {
  /** Threads to start the wasm backend with when the caller names none (NaN or < 2: one). */
  defaultThreads(): number;
  /** Starts the wasm backend's threaded build with `threads` pthreads; false if it cannot here. */
  startThreadedWasm(threads: number): Promise<boolean>;
  /** Starts a native backend (@tensorflow/tfjs-node) if one is available; false otherwise. */
  startNative(): Promise<boolean>;
  /** Switches native kernels for the current backend on or off (Node: backend/native); throws when `on` cannot be met. */
  enableNativeKernels?(mode: NativeChoice | undefined, threads: number): { active: boolean; description: string };
  /** Whether native kernels would serve the wasm backend under `mode` (asked before the wasm module starts). */
  nativeKernelsAvailable?(mode: NativeChoice | undefined): boolean;
}

const isolated = (): boolean => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

/**
 * A browser page: threads need SharedArrayBuffer, which only a cross-origin-isolated page has
 * (served with COOP: same-origin and COEP: require-corp).
 */
export const webPlatform: BackendPlatform = {
  defaultThreads: () => (isolated() ? (globalThis.navigator?.hardwareConcurrency ?? 1) : 1),
  async startThreadedWasm(threads) {
    if (!isolated()) return false;
    setThreadsCount(threads);
    // Emscripten sizes the pool as min(requested, navigator.hardwareConcurrency / 2), so a
    // 2-core machine gets 1 thread when 2 are asked for (measured in chromium; the twin of
    // os.cpus in wasm_threads.ts). Enough cores are reported while the pool is created.
    const nav = globalThis.navigator;
    const cores = nav.hardwareConcurrency;
    Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => Math.max(cores, 2 * threads) });
    try {
      const ok = await tf.setBackend('wasm');
      await tf.ready();
      return ok;
    } catch {
      return false;
    } finally {
      delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter again
    }
  },
  startNative: async () => false,
};

let platform: BackendPlatform = webPlatform;

/** Installs the platform initBackend starts backends for (genlab/node installs Node's). */
export function useBackendPlatform(p: BackendPlatform): void {
  platform = p;
}

let current: { choice: BackendChoice; info: BackendInfo } | null = null;
/** Threads the wasm module was started with (it starts once per process or page). */
let wasmStarted: number | null = null;

/** The cpu backend greets Node users with advice to install tfjs-node, which cannot be installed here. */
function silenceCpuBanner(): void {
  const b = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (b) b.firstUse = false;
}

export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const wanted = clampThreads(opts.threads ?? platform.defaultThreads());
  // With native kernels, the products and convolutions take every thread and the wasm module
  // runs one: its pool's spinning workers would compete with theirs for the cores (measured on
  // 2 cores, ms per step, wasm 1 + native 2 against wasm 2 + native 2: mlp-vae 16-21 / 23-25,
  // dcgan 136-141 / 140-157, conv-ae 79-81 / 85-88, unet-ddpm 495-564 / 499-537).
  const nativeServes = opts.backend !== 'cpu' && opts.backend !== 'node' && platform.nativeKernelsAvailable?.(opts.native) === true;
  const info = await startBackend({ ...opts, threads: nativeServes ? 1 : wanted });
  if (platform.enableNativeKernels && (info.name === 'wasm' || opts.native === 'on')) {
    info.native = platform.enableNativeKernels(opts.native, nativeServes ? wanted : info.threads);
  }
  return info;
}

/** Threads pay on convolutions (XNNPACK splits each across them); at most 8. */
function clampThreads(n: number): number {
  return Math.max(1, Math.min(8, Number.isFinite(n) ? Math.floor(n) : 1));
}

async function startBackend(opts: InitBackendOptions): Promise<BackendInfo> {
  const choice = opts.backend ?? 'auto';
  if (current && current.choice === choice) return current.info;
  if (opts.wasmPaths !== undefined && wasmStarted === null) setWasmPaths(opts.wasmPaths);
  if (choice === 'node' || choice === 'auto') {
    if (await platform.startNative()) {
      current = { choice, info: { name: 'tensorflow', threads: 0, kernelPack: false, simd: false } };
      return current.info;
    }
    if (choice === 'node') throw new UserError("--backend node: @tensorflow/tfjs-node cannot be imported (install it, or use --backend wasm)");
  }
  if (choice === 'wasm' || choice === 'auto') {
    const wanted = clampThreads(opts.threads ?? platform.defaultThreads());
    let ok = false;
    let threads = 1;
    if (wasmStarted === null && wanted > 1 && (await platform.startThreadedWasm(wanted))) {
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
      const relaxedSimd = heapKernelsFor(tf.backend())?.relaxed ?? false; // instantiates genlab's module: the variant is fixed from here
      current = { choice, info: { name: 'wasm', threads, kernelPack: true, simd, relaxedSimd } };
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
  const parts = [info.kernelPack ? 'genlab kernel pack' : 'stock kernels', info.simd ? (info.relaxedSimd ? 'relaxed simd' : 'simd') : 'no simd', `${info.threads} thread${info.threads === 1 ? '' : 's'}`];
  return `backend wasm (${parts.join(', ')})${info.native ? `; ${info.native.description}` : ''}`;
}
