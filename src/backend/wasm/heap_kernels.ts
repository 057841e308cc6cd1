/**
 * genlab's own WebAssembly kernels (heap_kernels.wat), instantiated on the tfjs wasm backend's
 * memory so they read and write tensors in place. Memory-bound work (the Adam update, strided
 * transposes) runs here at SIMD speed instead of in JS loops or chains of tfjs kernels.
 * The modules are a few hundred bytes, so synchronous compilation is allowed in browsers too.
 * Each comes in two variants: multiply-adds as f32x4.relaxed_madd (fused where the CPU has FMA)
 * where the engine validates relaxed SIMD (Node 22+, Chromium 114+; Node 20 after
 * relaxed_simd_node.ts sets V8's flag), plain SIMD mul + add elsewhere, picked at load time.
 */
import { HEAP_KERNELS_PLAIN, HEAP_KERNELS_SHARED, HEAP_KERNELS_PLAIN_RELAXED, HEAP_KERNELS_SHARED_RELAXED } from './heap_kernels_wasm.js';

export interface HeapKernels {
  /** Adam step over n floats at byte addresses p, g, m, v -> po, mo, vo (see the .wat). */
  adam(p: number, g: number, m: number, v: number, po: number, mo: number, vo: number, n: number,
    b1: number, a1: number, b2: number, a2: number, k: number, r: number, eps: number): void;
  /** dst[ia * outStepA + ib] = src[ia + ib * inStepB] in blocks of t (addresses in bytes). */
  tile(src: number, dst: number, dimA: number, dimB: number, inStepB: number, outStepA: number, t: number): void;
  /** y = x > 0 ? x : alpha x over n floats. */
  leaky_relu(x: number, y: number, n: number, alpha: number): void;
  /** dx = x > 0 ? dy : alpha dy over n floats. */
  leaky_relu_grad(dy: number, x: number, dx: number, n: number, alpha: number): void;
  /** Per-channel sums over x [n, C] into C doubles at acc (C a multiple of 4; see the .wat). */
  chan_sum(x: number, n: number, C: number, acc: number): void;
  chan_sqdev(x: number, n: number, C: number, mean: number, acc: number): void;
  chan_dot(dy: number, x: number, n: number, C: number, mean: number, accDy: number, accDyX: number): void;
  chan_affine(x: number, n: number, C: number, mean: number, scale: number, shift: number, y: number): void;
  chan_affine2(dy: number, x: number, n: number, C: number, mean: number, a: number, b: number, k: number, dx: number): void;
  /** SiLU's gradient from the saved sigmoid: dx = dy s (1 + x (1 - s)) over n floats. */
  silu_grad(dy: number, x: number, s: number, dx: number, n: number): void;
  /** y[r, c] = x[r, c] + b[c] over x [rows, nb] (a broadcast bias). */
  bias_add(x: number, b: number, y: number, rows: number, nb: number): void;
  /** y = x + s over n floats, s the float at address s. */
  add_scalar(x: number, s: number, y: number, n: number): void;
  /** `outer` runs of `bytes` bytes from src to dst, each side advancing by its byte stride. */
  copy_runs(src: number, srcStride: number, dst: number, dstStride: number, outer: number, bytes: number): void;
  /** The heap the addresses refer to. */
  memory: WebAssembly.Memory;
  /** Whether this is the relaxed-SIMD variant. */
  relaxed: boolean;
}

/** Whether to use the relaxed-SIMD variant where it validates (tests switch it off to compare). */
export const relaxedSimdPolicy: { allow: boolean } = { allow: true };

/** Whether this engine validates the relaxed-SIMD module (asked again each time: a flag may have been set since). */
export function relaxedSimdSupported(): boolean {
  return typeof WebAssembly.validate === 'function' && WebAssembly.validate(decode(HEAP_KERNELS_PLAIN_RELAXED));
}

/** genlab's module instantiated on `memory`, relaxed or plain SIMD. */
export function instantiateHeapKernels(memory: WebAssembly.Memory, relaxed: boolean): HeapKernels {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const base64 = relaxed ? (shared ? HEAP_KERNELS_SHARED_RELAXED : HEAP_KERNELS_PLAIN_RELAXED) : shared ? HEAP_KERNELS_SHARED : HEAP_KERNELS_PLAIN;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(decode(base64)), { env: { memory } });
  return { ...(instance.exports as unknown as Omit<HeapKernels, 'memory' | 'relaxed'>), memory, relaxed };
}

interface EmscriptenModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: Record<string, unknown>;
}

const byMemory = new WeakMap<WebAssembly.Memory, HeapKernels>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(base64, 'base64'));
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The Emscripten module's memory: imported (threaded build) or exported (single-threaded). */
function memoryOf(module: EmscriptenModule): WebAssembly.Memory | undefined {
  if (module.wasmMemory instanceof WebAssembly.Memory) return module.wasmMemory;
  for (const v of Object.values(module.asm ?? {})) if (v instanceof WebAssembly.Memory) return v;
  return undefined;
}

const byModule = new WeakMap<EmscriptenModule, HeapKernels>();

/** Kernels bound to a wasm backend's heap, or undefined when the backend is not wasm. */
export function heapKernelsFor(backend: unknown): HeapKernels | undefined {
  const module = (backend as { wasm?: EmscriptenModule }).wasm;
  if (!module) return undefined;
  const cached = byModule.get(module); // every transpose, sum and copy asks: keep it cheap
  if (cached) return cached;
  const memory = memoryOf(module);
  if (!memory) return undefined;
  let k = byMemory.get(memory);
  if (!k) {
    k = instantiateHeapKernels(memory, relaxedSimdPolicy.allow && relaxedSimdSupported());
    byMemory.set(memory, k);
  }
  byModule.set(module, k);
  return k;
}
