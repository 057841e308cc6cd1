/** genlab bench: the four training-step workloads, optionally beside the PyTorch reference. */
import { availableParallelism } from 'node:os';
import type { Command } from '../command.js';
import { parse, str, int, num, flag, choice } from '../args.js';
import { UserError } from '../../util/errors.js';
import { initBackend, describeBackend } from '../../backend/index.js';
import { WORKLOADS } from '../../bench/workloads/index.js';
import { timeWorkload, type WorkloadTiming } from '../../bench/run.js';
import { countStepFlops } from '../../bench/flops.js';
import { locateReferenceScript } from '../../bench/reference.js';
import { runComparison, formatComparison } from '../../bench/compare.js';
import { nativeModeFromEnv } from '../../backend/native/index.js';
import { Rng } from '../../util/rng.js';

const usage = `usage: genlab bench [--workload NAME[,NAME]] [--backend auto|wasm|cpu|node] [--threads N]
                    [--native auto|on|off] [--steps N] [--timed-seconds S] [--warmup N] [--warmup-seconds S]
                    [--reference] [--reference-script PATH] [--rounds K] [--json] [--profile]

Times one training step of each workload of shared/bench/WORKLOADS.md: the median over at least
--steps (default 10) timed steps and for at least --timed-seconds (default 2: a short workload's
median then covers more than one slow spell of a shared machine), and reports its GFLOP/s (FLOPs
counted from the step's products and convolutions). Untimed steps come first: at least --warmup
(default 3) and for at least --warmup-seconds (default 2). Both rules hold for genlab and PyTorch
alike, so that steps are timed in their steady state (genlab's speed up over their first ~50 as
V8 optimises; PyTorch's do not).
--native auto|on|off: native matrix products and convolutions for the wasm backend (the addon
npm install builds when it can; default GENLAB_NATIVE, else auto: used when built).
--reference compares, in the same run: genlab on the wasm path alone, genlab with the native
kernels, and the PyTorch reference, each at 1 and at 2 threads (each in a fresh process, one
workload through all six before the next), with achieved GFLOP/s against the machine's sgemm
peak measured in the run. A workload's ratio is genlab as chosen (--native, --threads) over
PyTorch at its faster thread setting.
--rounds K repeats every configuration K times; times are medians over the rounds, ratios the
median of the rounds' own ratios (default 1; use 3 or more on a noisy machine).
Workloads: ${WORKLOADS.map((w) => w.name).join(', ')}`;

export const command: Command = {
  name: 'bench',
  summary: 'time training steps of the benchmark workloads (vs PyTorch with --reference)',
  usage,
  async run(argv) {
    const a = parse(
      argv,
      {
        workload: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, steps: { type: 'string' },
        warmup: { type: 'string' }, 'warmup-seconds': { type: 'string' }, 'timed-seconds': { type: 'string' }, reference: { type: 'boolean' }, 'reference-script': { type: 'string' },
        json: { type: 'boolean' }, profile: { type: 'boolean' }, rounds: { type: 'string' }, native: { type: 'string' },
      },
      'bench',
    );
    const names = (str(a, 'workload') ?? WORKLOADS.map((w) => w.name).join(',')).split(',').map((s) => s.trim());
    const specs = names.map((n) => {
      const s = WORKLOADS.find((w) => w.name === n);
      if (!s) throw new UserError(`--workload: unknown workload '${n}'; valid: ${WORKLOADS.map((w) => w.name).join(', ')}`);
      return s;
    });
    const steps = int(a, 'steps', 10, 1)!;
    const warmup = int(a, 'warmup', 3, 0)!;
    const warmupSeconds = num(a, 'warmup-seconds', 2, 0)!;
    const timedSeconds = num(a, 'timed-seconds', 2, 0)!;
    const roundCount = int(a, 'rounds', 1, 1)!;
    const json = flag(a, 'json');
    const wantRef = flag(a, 'reference');
    const script = wantRef ? locateReferenceScript(str(a, 'reference-script')) : null;
    const backend = choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto');
    const threadsArg = int(a, 'threads', undefined, 1);
    const native = str(a, 'native') === undefined ? nativeModeFromEnv() : choice(a, 'native', ['auto', 'on', 'off'] as const, 'auto');
    const log = (m: string) => process.stderr.write(m + '\n');

    if (wantRef) {
      if (backend !== 'auto' && backend !== 'wasm') throw new UserError(`--reference compares genlab's wasm configurations with PyTorch; --backend ${backend} does not apply`);
      if (flag(a, 'profile')) log('genlab bench: --profile applies without --reference; ignored');
      const threads = Math.max(1, Math.min(8, threadsArg ?? Number(process.env.GENLAB_THREADS ?? availableParallelism())));
      let c;
      try {
        c = await runComparison({ workloads: names, steps, warmup, warmupSeconds, timedSeconds, rounds: roundCount, threads, native: native ?? 'auto', referenceScript: script, onProgress: log });
      } catch (e) {
        if ((e as Error).message.startsWith('--native on')) throw new UserError((e as Error).message);
        throw e;
      }
      console.log(json ? JSON.stringify(c) : formatComparison(c));
      return 0;
    }

    const info = await initBackend({ backend, threads: threadsArg, native });
    log(`genlab bench: ${describeBackend(info)}`);
    const rows: Record<string, WorkloadTiming & { target: number; flops?: number; gflops?: number | null }> = {};
    for (const s of specs) {
      log(`${s.name}: ${s.description}`);
      const timings: WorkloadTiming[] = [];
      for (let round = 1; round <= roundCount; round++) timings.push(await timeWorkload(s, { steps, warmup, warmupSeconds, timedSeconds, profile: flag(a, 'profile') && round === 1 }));
      const ok = timings.filter((t) => t.median_ms !== null);
      const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      const r: WorkloadTiming = ok.length
        ? { ...timings[0], median_ms: med(ok.map((t) => t.median_ms!)), min_ms: Math.min(...ok.map((t) => t.min_ms!)) }
        : timings[0];
      let flops: number | undefined;
      if (!r.error) {
        const w = s.build(new Rng(0));
        try {
          w.step();
          flops = await countStepFlops(() => w.step());
        } finally {
          w.dispose();
        }
      }
      rows[s.name] = { ...r, target: s.target, ...(flops !== undefined ? { flops, gflops: r.median_ms ? flops / r.median_ms / 1e6 : null } : {}) };
      log(r.error ? `${s.name}: failed: ${r.error}` : `${s.name}: median ${r.median_ms!.toFixed(1)} ms`);
    }
    if (json) {
      console.log(JSON.stringify({ backend: info.name, threads: info.threads, kernel_pack: info.kernelPack, native: info.native ?? null, rounds: roundCount, workloads: rows }));
      return 0;
    }
    const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '-' : x.toFixed(d));
    console.log(describeBackend(info));
    console.log('workload    params      median ms   GFLOP  GFLOP/s');
    for (const [name, r] of Object.entries(rows)) {
      console.log(
        `${name.padEnd(11)} ${String(r.params).padStart(9)}  ${f(r.median_ms).padStart(9)}  ${f(r.flops === undefined ? null : r.flops / 1e9, 2).padStart(6)}  ${f(r.gflops, 0).padStart(7)}${r.error ? `  (${r.error})` : ''}`,
      );
      if (r.profile) for (const p of r.profile) console.log(`    ${p.kernel.padEnd(28)} ${p.ms.toFixed(1).padStart(8)} ms  ${String(p.calls).padStart(4)} calls`);
    }
    return 0;
  },
};
