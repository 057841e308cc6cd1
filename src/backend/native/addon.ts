/**
 * Loads genlab's optional native addon (native/: matrix products and convolutions on oneDNN or
 * OpenBLAS, built by `npm install` when the machine has a compiler and the libraries). Node
 * only: nothing in the browser-safe core imports this directory, and the addon is loaded with
 * createRequire only when native kernels are asked for.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeAddonInfo {
  /** 'OpenBLAS 0.3.21 ...' when built against OpenBLAS, else ''. */
  blas: string;
  /** 'oneDNN 2.6.3' when built against oneDNN, else ''. */
  dnnl: string;
  /** What the products run on: 'dnnl' (dnnl_sgemm) or 'openblas'. */
  gemm: 'dnnl' | 'openblas';
  /** What convolutions run on: 'dnnl' (its direct convolutions) or 'im2col' (+ sgemm). */
  conv: 'dnnl' | 'im2col';
  threads: number;
}

/** The addon's functions (native/src/genlab_native.cc). Offsets are bytes into `heap`. */
export interface NativeAddon {
  /** C_i = op(A_i) op(B_i), row-major, op(A) [M, K], op(B) [K, N]; strides in floats (0 broadcasts). */
  gemm(heap: Uint8Array, batch: number, transA: boolean, transB: boolean, m: number, n: number, k: number,
    aOff: number, bOff: number, cOff: number, strideA: number, strideB: number): void;
  /**
   * kind 0: x, w -> y; 1: dy, w -> dx; 2: x, dy -> dw. geom = [N, H, W, Ci, OH, OW, Co, KH, KW,
   * SH, SW, DH, DW, padTop, padLeft, padBottom, padRight]; NHWC activations, [KH, KW, Ci, Co] filters.
   */
  conv(heap: Uint8Array, kind: 0 | 1 | 2, geom: number[], off0: number, off1: number, offOut: number): void;
  /** y = exp(x) (op 0) or log1p(x) (op 1) over `count` floats, vectorised (glibc's libmvec). Absent from older builds. */
  unary?(heap: Uint8Array, op: 0 | 1, xOff: number, yOff: number, count: number): void;
  /** One Adam step (kernels/adam_update.ts): p', m', v' from p, g, m, v; coefficients as GenlabAdamUpdate's wasm version takes them. Absent from older builds. */
  adam?(heap: Uint8Array, pOff: number, gOff: number, mOff: number, vOff: number, pOutOff: number, mOutOff: number, vOutOff: number, count: number,
    beta1: number, a1: number, beta2: number, a2: number, k: number, r: number, eps: number): void;
  setThreads(n: number): void;
  /**
   * Multiply-adds from which a product (gemm) or convolution (conv) runs on every thread rather
   * than one (defaults 2^26 and 2^25; for measurements). Absent from older builds.
   */
  setParallelMin?(gemmMacs: number, convMacs: number, splitMacs?: number): void;
  /** 0: oneDNN with the measured exceptions (the default), 1: im2col + sgemm always, 2: oneDNN always. */
  setConvImpl(impl: 0 | 1 | 2): void;
  /** With both libraries built in: 0 dnnl_sgemm (default), 1 OpenBLAS. */
  setGemmImpl(impl: 0 | 1): void;
  info(): NativeAddonInfo;
}

/** Where `npm install` puts the addon: <package>/native/build/Release/genlab_native.node. */
export function defaultAddonPath(): string {
  // src/backend/native/addon.ts and dist/backend/native/addon.js are both three levels down.
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', 'native', 'build', 'Release', 'genlab_native.node');
}

/** GENLAB_NATIVE_ADDON (a path to another build), else the default path. */
export function addonPath(): string {
  return process.env.GENLAB_NATIVE_ADDON || defaultAddonPath();
}

let loaded: { addon?: NativeAddon; reason?: string } | null = null;

/**
 * oneDNN runs on OpenMP (libgomp), whose idle threads spin for a while after each parallel
 * region before they sleep: 300,000 spins by default, ~4 ms here (10,000: ~0.15 ms). On a 2-core machine that
 * spinning takes the core the wasm backend's own threads need between native calls; a short
 * spin keeps back-to-back calls fast without holding the core through the JavaScript between
 * them (with the wasm backend on 2 threads, mlp-vae: 25 ms per step at 10,000 spins, 35 ms at the
 * default). libgomp reads the variable when the addon loads it, so it is set for the load and
 * then taken out again, leaving child processes (the PyTorch reference among them) their own
 * defaults; a user's OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
 */
export const GOMP_SPINCOUNT = '10000';

function withOpenMpTuning<T>(load: () => T): T {
  const env = process.env;
  const set = env.OMP_WAIT_POLICY === undefined && env.GOMP_SPINCOUNT === undefined;
  if (set) env.GOMP_SPINCOUNT = GOMP_SPINCOUNT;
  try {
    return load();
  } finally {
    if (set) delete env.GOMP_SPINCOUNT;
  }
}

/** The addon, loaded once; `reason` says why not when it cannot be. */
export function loadAddon(): { addon?: NativeAddon; reason?: string } {
  if (loaded) return loaded;
  const path = addonPath();
  if (!existsSync(path)) {
    loaded = { reason: `not built: no ${join('native', 'build', 'Release', 'genlab_native.node')} (npm install builds it when g++ and libdnnl-dev or libopenblas-dev are present)` };
    return loaded;
  }
  try {
    const require = createRequire(import.meta.url);
    const addon = withOpenMpTuning(() => require(path) as NativeAddon);
    addon.info();
    loaded = { addon };
  } catch (e) {
    loaded = { reason: `does not load: ${(e as Error).message.split('\n')[0]}` };
  }
  return loaded;
}
