/**
 * Lets tfjs-backend-wasm's threaded build run under Node (upstream disables it: tfjs #3830).
 * The backend hands Emscripten `blob:` URLs for its pthread worker script, which Node's
 * worker_threads cannot load. While the backend starts, URL.createObjectURL is wrapped so the
 * worker script goes to a temporary file instead (removed at exit), and the worker is taught
 * to evaluate the main script it receives as a Blob. Everything else is the stock build.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The worker's Blob branch, replaced by an asynchronous read of the Blob and a global eval. */
const BLOB_BRANCH = 'else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}WasmBackendModuleThreadedSimd(Module)';
// The bundled factory refers to the bundle's hoisted requires (require$$0 = fs, ...), defined here too.
const NODE_BRANCH =
  "else{e.data.urlOrBlob.text().then(function(t){(0,eval)('var require$$0=require(\"fs\"),require$$1=require(\"path\"),require$$3=require(\"perf_hooks\"),require$$4=require(\"os\"),commonjsGlobal=globalThis;'+t);" +
  'WasmBackendModuleThreadedSimd(Module)});return}WasmBackendModuleThreadedSimd(Module)';

let tempDir: string | null = null;

function cleanup(): void {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = null;
}

type PoolWorker = { ref(): unknown; unref(): unknown };

/**
 * Emscripten refs a Node worker while a pthread runs on it, so that the process outlives its
 * threads. The thread pool's threads never end, so a program (a test file, a library user's
 * script) would never exit. They only ever wait for work from the main thread, so they are
 * made not to hold the process open.
 */
function releaseWorkers(): void {
  const pthread = (tf.backend() as unknown as { wasm?: { PThread?: { unusedWorkers: PoolWorker[]; runningWorkers: PoolWorker[] } } }).wasm?.PThread;
  if (!pthread) return;
  for (const w of [...pthread.unusedWorkers, ...pthread.runningWorkers]) {
    w.ref = () => w; // a pthread that starts later must not re-ref it
    w.unref();
  }
}

/**
 * Starts the wasm backend with `threads` pthreads. Returns false (leaving the caller to start
 * the single-threaded build) when the patched start-up fails.
 */
export async function startThreadedWasm(threads: number): Promise<boolean> {
  const original = URL.createObjectURL;
  let patchedWorker = false;
  tempDir = mkdtempSync(join(tmpdir(), 'genlab-wasm-'));
  process.once('exit', cleanup);
  const dir = tempDir;
  URL.createObjectURL = ((obj: Blob) => {
    // Only the worker script passes through here during start-up; read it synchronously from
    // the string tfjs built it from is impossible, so the Blob is written out by a sync path.
    const text = (obj as Blob & { __genlabText?: string }).__genlabText;
    if (text === undefined) return original.call(URL, obj);
    const path = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
    if (!text.includes(BLOB_BRANCH)) throw new Error('unexpected tfjs wasm worker script');
    writeFileSync(path, text.replace(BLOB_BRANCH, () => NODE_BRANCH)); // a function: "$$" in a replacement string means "$"
    patchedWorker = true;
    return path;
  }) as typeof URL.createObjectURL;
  // Blob contents cannot be read synchronously, so remember the text of Blobs made from strings.
  const OriginalBlob = globalThis.Blob;
  class TextBlob extends OriginalBlob {
    __genlabText?: string;
    constructor(parts: BlobPart[], opts?: BlobPropertyBag) {
      super(parts, opts);
      if (parts.every((p) => typeof p === 'string')) this.__genlabText = (parts as string[]).join('');
    }
  }
  globalThis.Blob = TextBlob as typeof Blob;
  // The module sizes its thread pool as min(requested, logical cores / 2), and Emscripten counts
  // cores with os.cpus() under Node; so on a 2-core machine a request for 2 threads got 1
  // (measured with getThreadsCount()). Report enough cores while the pool is created.
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus.call(os);
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]);
  };
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    if (ok) releaseWorkers();
    return ok && patchedWorker;
  } catch {
    return false;
  } finally {
    URL.createObjectURL = original;
    globalThis.Blob = OriginalBlob;
    os.cpus = cpus;
  }
}
