/**
 * Native kernels for the wasm backend (Node only): `--native auto|on|off`, GENLAB_NATIVE, or
 * the API. initBackend switches them on itself:
 *
 *   const info = await initBackend({ backend: 'wasm', threads: 2, native: 'auto' });
 *   console.log(describeBackend(info));
 *   // "backend wasm (genlab kernel pack, relaxed simd, 1 thread); native kernels: oneDNN 2.6.3 (products, convolutions, Adam, exp, log1p), 2 threads"
 *
 * auto uses the addon when it was built and the backend is wasm; on requires it (a UserError
 * saying why not otherwise); off keeps the wasm path. When they serve, the addon gets genlab's
 * threads and the wasm module one (core.ts says why); enableNative switches them later.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../util/errors.js';
import { loadAddon, type NativeAddonInfo } from './addon.js';
import { installNativeKernels, setNativeActive } from './kernels.js';

export type NativeMode = 'auto' | 'on' | 'off';
export const NATIVE_MODES: readonly NativeMode[] = ['auto', 'on', 'off'];

export interface NativeOptions {
  /** Default: GENLAB_NATIVE, else 'auto'. */
  mode?: NativeMode;
  /** Threads for the native libraries (default 1); give genlab's --threads. */
  threads?: number;
}

export interface NativeStatus {
  mode: NativeMode;
  active: boolean;
  threads: number;
  /** The addon's libraries and what runs on them, when active. */
  addon?: NativeAddonInfo;
  /** The element-wise kernels this build of the addon has (older builds: none). */
  elementwise?: string[];
  /** Why native kernels are not in use (when not active). */
  reason?: string;
}

let status: NativeStatus = { mode: 'off', active: false, threads: 0, reason: 'not enabled' };

/** GENLAB_NATIVE, checked; undefined when unset. */
export function nativeModeFromEnv(): NativeMode | undefined {
  const v = process.env.GENLAB_NATIVE;
  if (v === undefined || v === '') return undefined;
  if (!(NATIVE_MODES as readonly string[]).includes(v)) throw new UserError(`GENLAB_NATIVE: '${v}' is not one of auto, on, off`);
  return v as NativeMode;
}

/**
 * The addon's defaults: products (gemm) and convolutions of at least this many multiply-adds use
 * every thread of the library's pool; smaller products of at least `split` are cut into one slab
 * per thread, each on its own thread (the addon's SplitGemm).
 */
export const DEFAULT_PARALLEL_MIN = { gemm: 2 ** 26, conv: 2 ** 25, split: 2 ** 20 };

/**
 * GENLAB_NATIVE_PARALLEL_MIN=GEMM,CONV[,SPLIT] (multiply-adds), checked; undefined when unset. For
 * measuring the one-thread/all-threads switch on a given machine (it reaches the fresh
 * processes `bench --reference` starts, which no flag does): waking the second thread costs
 * more than it saves below some size, and where that size lies depends on how idle the cores are.
 */
export function parallelMinFromEnv(): typeof DEFAULT_PARALLEL_MIN | undefined {
  const v = process.env.GENLAB_NATIVE_PARALLEL_MIN;
  if (v === undefined || v === '') return undefined;
  const parts = v.split(',').map((x) => Number(x.trim()));
  if (parts.length < 2 || parts.length > 3 || parts.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new UserError(`GENLAB_NATIVE_PARALLEL_MIN: '${v}' is not two or three non-negative integers GEMM,CONV[,SPLIT] (multiply-adds)`);
  }
  return { gemm: parts[0], conv: parts[1], split: parts[2] ?? DEFAULT_PARALLEL_MIN.split };
}

/** Whether enableNative under `mode` (default GENLAB_NATIVE, else auto) would switch native kernels on: not off, and the addon loads. */
export function nativeAvailable(mode?: NativeMode): boolean {
  if ((mode ?? nativeModeFromEnv() ?? 'auto') === 'off') return false;
  return loadAddon().addon !== undefined;
}

/**
 * Switches native kernels on or off for the current backend (call after initBackend; again to
 * change mode or threads). Returns what is in use.
 */
export function enableNative(opts: NativeOptions = {}): NativeStatus {
  const mode = opts.mode ?? nativeModeFromEnv() ?? 'auto';
  const parallelMin = parallelMinFromEnv() ?? DEFAULT_PARALLEL_MIN;
  const threads = Math.max(1, Math.floor(opts.threads ?? 1));
  const off = (reason: string): NativeStatus => {
    setNativeActive(false);
    status = { mode, active: false, threads: 0, reason };
    return status;
  };
  if (mode === 'off') return off('--native off');
  const fail = (reason: string): NativeStatus => {
    if (mode === 'on') throw new UserError(`--native on: ${reason}`);
    return off(reason);
  };
  if (tf.getBackend() !== 'wasm') return fail(`native kernels serve the wasm backend, and the backend is ${tf.getBackend()}`);
  const { addon, reason } = loadAddon();
  if (!addon) return fail(`the native addon is ${reason}`);
  installNativeKernels(addon);
  addon.setThreads(threads);
  addon.setParallelMin?.(parallelMin.gemm, parallelMin.conv, parallelMin.split);
  setNativeActive(true);
  const elementwise = [...(addon.adam ? ['Adam'] : []), ...(addon.unary ? ['exp', 'log1p'] : [])];
  status = { mode, active: true, threads, addon: addon.info(), elementwise };
  return status;
}

/** What enableNative last set. */
export function nativeStatus(): NativeStatus {
  return status;
}

/** One line for start-up messages. */
export function describeNative(s: NativeStatus = status): string {
  if (!s.active) return `native kernels off (${s.reason ?? 'not enabled'})`;
  const a = s.addon!;
  const libs = [a.dnnl, a.blas.split(' ').slice(0, 2).join(' ')].filter(Boolean).join(' + ');
  const conv = a.conv === 'dnnl' ? 'convolutions' : 'convolutions by im2col';
  return `native kernels: ${libs} (${['products', conv, ...(s.elementwise ?? [])].join(', ')}), ${s.threads} thread${s.threads === 1 ? '' : 's'}`;
}

export { nativeCalls, NATIVE_KERNELS } from './kernels.js';
