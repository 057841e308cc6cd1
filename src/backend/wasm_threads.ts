/**
 * Lets tfjs-backend-wasm's threaded build run under Node (upstream disables it: tfjs #3830).
 * The backend hands Emscripten `blob:` URLs for its pthread worker script, which Node's
 * worker_threads cannot load. While the backend starts, URL.createObjectURL is wrapped so the
 * worker script goes to a temporary file instead, and the worker is taught to evaluate the
 * main script it receives as a Blob. Everything else is the stock build.
 *
 * The start-up race this file must avoid (issue 11): Emscripten asks for the worker script once
 * per pool worker (8 of them) and starts each worker as soon as it has the path. Rewriting the
 * file on every request truncated it while earlier workers were reading it; a worker that read
 * an empty script ended at once with code 0, never reported "loaded", and the main thread's
 * start-up promise was left with nothing to keep the event loop alive, so Node exited 0 having
 * done nothing (13 under a top-level await). The script is now written once, atomically, and the
 * start is watched: a ref'd timer holds the process while it waits, and a start that has not
 * finished within START_TIMEOUT_MS fails loudly instead of hanging or exiting quietly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, writeFileSync, renameSync, rmSync, readdirSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The worker's Blob branch, replaced by an asynchronous read of the Blob and a global eval. */
const BLOB_BRANCH = 'else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}WasmBackendModuleThreadedSimd(Module)';
// The bundled factory refers to the bundle's hoisted requires (require$$0 = fs, ...), defined here too.
const NODE_BRANCH =
  "else{e.data.urlOrBlob.text().then(function(t){(0,eval)('var require$$0=require(\"fs\"),require$$1=require(\"path\"),require$$3=require(\"perf_hooks\"),require$$4=require(\"os\"),commonjsGlobal=globalThis;'+t);" +
  'WasmBackendModuleThreadedSimd(Module)});return}WasmBackendModuleThreadedSimd(Module)';

/** A threaded start that takes longer than this has stalled (it takes ~1 s on a loaded 2-core machine). */
const START_TIMEOUT_MS = 120_000;
const DIR_PREFIX = 'genlab-wasm-';

let tempDir: string | null = null;

function cleanup(): void {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

/**
 * A process killed with SIGKILL cannot remove its folder, so each start sweeps the folders of
 * processes that are gone. The folder name carries its process id (genlab-wasm-<pid>-XXXXXX);
 * folders without one (older genlab versions) go once they are an hour old.
 */
export function sweepStaleDirs(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const m = /^genlab-wasm-(\d+)-/.exec(name);
    const path = join(root, name);
    try {
      const stale = m ? Number(m[1]) !== process.pid && !processAlive(Number(m[1])) : Date.now() - statSync(path).mtimeMs > 3_600_000;
      if (stale) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process removed it first, or it is not ours to remove
    }
  }
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
  let workerPath: string | null = null;
  sweepStaleDirs(tmpdir());
  tempDir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  process.once('exit', cleanup);
  const dir = tempDir;
  URL.createObjectURL = ((obj: Blob) => {
    // Only the worker script passes through here during start-up; read it synchronously from
    // the string tfjs built it from is impossible, so the Blob is written out by a sync path.
    const text = (obj as Blob & { __genlabText?: string }).__genlabText;
    if (text === undefined) return original.call(URL, obj);
    // Asked once per pool worker: the first request writes the file (to a temporary name, then
    // renamed, so no worker can see it half-written); later ones reuse it.
    if (workerPath !== null) return workerPath;
    if (!text.includes(BLOB_BRANCH)) throw new Error('unexpected tfjs wasm worker script');
    const path = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
    writeFileSync(`${path}.partial`, text.replace(BLOB_BRANCH, () => NODE_BRANCH)); // a function: "$$" in a replacement string means "$"
    renameSync(`${path}.partial`, path);
    workerPath = path;
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
  // While the pool's workers load, nothing else may hold the event loop (they are unref'd as
  // each reports "loaded"); this timer keeps the process alive until the start has settled, and
  // turns a stall into an error.
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    watchdog = setTimeout(
      () => reject(new Error(`the threaded wasm backend did not start within ${START_TIMEOUT_MS / 1000} s (a pool worker never reported ready); run with --threads 1`)),
      START_TIMEOUT_MS,
    );
  });
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    let ok: boolean;
    try {
      ok = await Promise.race([tf.setBackend('wasm').then(async (r) => (await tf.ready(), r)), stalled]);
    } catch (e) {
      if ((e as Error).message?.startsWith('the threaded wasm backend did not start')) throw e;
      return false;
    }
    if (ok) {
      releaseWorkers();
      // Every pool worker has read its script by now (each reported "loaded"), so the folder
      // can go; after a failed start it stays until exit, as a late worker may still read it.
      cleanup();
    }
    return ok && workerPath !== null;
  } finally {
    clearTimeout(watchdog);
    URL.createObjectURL = original;
    globalThis.Blob = OriginalBlob;
    os.cpus = cpus;
  }
}
