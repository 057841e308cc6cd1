/**
 * One benchmark configuration in its own process (the wasm module's thread count is fixed when
 * it starts, so each thread setting needs a fresh process): `node child.js '<json ChildOptions>'`
 * prints one JSON line, a ChildResult. Used by compare.ts.
 */
import { initBackend, describeBackend } from '../backend/index.js';
import { nativeStatus, describeNative, type NativeMode } from '../backend/native/index.js';
import { WORKLOADS } from './workloads/index.js';
import { timeWorkload } from './run.js';
import { countStepFlops } from './flops.js';
import { Rng } from '../util/rng.js';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChildOptions {
  threads: number;
  native: NativeMode;
  workloads: string[];
  steps: number;
  warmup: number;
  warmupSeconds?: number;
  timedSeconds?: number;
  /** Count each workload's FLOPs per step (one profiled step). */
  flops: boolean;
}

export interface ChildResult {
  backend: string;
  native: string;
  nativeActive: boolean;
  threads: number;
  workloads: Record<string, { params: number; median_ms: number | null; min_ms: number | null; flops?: number; error?: string }>;
}

export async function runChild(o: ChildOptions): Promise<ChildResult> {
  const info = await initBackend({ backend: 'wasm', threads: o.threads, native: o.native });
  const native = nativeStatus();
  const out: ChildResult = { backend: describeBackend(info), native: describeNative(native), nativeActive: native.active, threads: native.active ? native.threads : info.threads, workloads: {} };
  for (const spec of WORKLOADS.filter((w) => o.workloads.includes(w.name))) {
    const r = await timeWorkload(spec, { steps: o.steps, warmup: o.warmup, warmupSeconds: o.warmupSeconds, timedSeconds: o.timedSeconds, profile: false });
    const row: ChildResult['workloads'][string] = { params: r.params, median_ms: r.median_ms, min_ms: r.min_ms, ...(r.error ? { error: r.error } : {}) };
    if (o.flops && !r.error) {
      const w = spec.build(new Rng(0));
      try {
        w.step(); // the optimiser's first step creates its state
        row.flops = await countStepFlops(() => w.step());
      } finally {
        w.dispose();
      }
    }
    out.workloads[spec.name] = row;
  }
  return out;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runChild(JSON.parse(process.argv[2]) as ChildOptions).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n');
      process.exit(0);
    },
    (e) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
