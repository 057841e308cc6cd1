/**
 * genlab's own WebAssembly kernels (heap_kernels.wat), instantiated on the tfjs wasm backend's
 * memory so they read and write tensors in place. Memory-bound work (the Adam update, strided
 * transposes) runs here at SIMD speed instead of in JS loops or chains of tfjs kernels.
 * The modules are a few hundred bytes, so synchronous compilation is allowed in browsers too.
 */
import { HEAP_KERNELS_PLAIN, HEAP_KERNELS_SHARED } from './heap_kernels_wasm.js';

export interface HeapKernels {
  /** Adam step over n floats at byte addresses p, g, m, v -> po, mo, vo (see the .wat). */
  adam(p: number, g: number, m: number, v: number, po: number, mo: number, vo: number, n: number,
    b1: number, a1: number, b2: number, a2: number, k: number, r: number, eps: number): void;
  /** dst[ia * outStepA + ib] = src[ia + ib * inStepB] in blocks of t (addresses in bytes). */
  tile(src: number, dst: number, dimA: number, dimB: number, inStepB: number, outStepA: number, t: number): void;
  /** The heap the addresses refer to. */
  memory: WebAssembly.Memory;
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

/** Kernels bound to a wasm backend's heap, or undefined when the backend is not wasm. */
export function heapKernelsFor(backend: unknown): HeapKernels | undefined {
  const module = (backend as { wasm?: EmscriptenModule }).wasm;
  if (!module) return undefined;
  const memory = memoryOf(module);
  if (!memory) return undefined;
  let k = byMemory.get(memory);
  if (!k) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = decode(shared ? HEAP_KERNELS_SHARED : HEAP_KERNELS_PLAIN);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const e = instance.exports as unknown as Omit<HeapKernels, 'memory'>;
    k = { adam: e.adam, tile: e.tile, memory };
    byMemory.set(memory, k);
  }
  return k;
}
