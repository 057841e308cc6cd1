/** genlab bench: the four training-step workloads, optionally beside the PyTorch reference. */
import type { Command } from '../command.js';
import { parse, str, int, flag, choice } from '../args.js';
import { UserError } from '../../util/errors.js';
import { initBackend, describeBackend } from '../../backend/index.js';
import { WORKLOADS } from '../../bench/workloads/index.js';
import { timeWorkload, combineRounds, type WorkloadTiming, type RoundFigures } from '../../bench/run.js';
import { locateReferenceScript, runReference, torchAvailable, type ReferenceResult } from '../../bench/reference.js';

const usage = `usage: genlab bench [--workload NAME[,NAME]] [--backend auto|wasm|cpu|node] [--threads N]
                    [--steps N] [--warmup N] [--reference] [--reference-script PATH] [--rounds K]
                    [--json] [--profile]

Times one training step of each workload of shared/bench/WORKLOADS.md (median of --steps, default 10).
--reference also runs the PyTorch reference in the same run and prints genlab/PyTorch ratios.
--rounds K repeats (genlab, then PyTorch) K times and reports medians over the rounds, the
ratio being the median of the rounds' own ratios (default 1; use 3 or more on a noisy machine).
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
        warmup: { type: 'string' }, reference: { type: 'boolean' }, 'reference-script': { type: 'string' },
        json: { type: 'boolean' }, profile: { type: 'boolean' }, rounds: { type: 'string' },
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
    const roundCount = int(a, 'rounds', 1, 1)!;
    const json = flag(a, 'json');
    const wantRef = flag(a, 'reference');
    const script = wantRef ? locateReferenceScript(str(a, 'reference-script')) : null;
    const backend = choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto');
    const info = await initBackend({ backend, threads: int(a, 'threads', undefined, 1) });
    const log = (m: string) => process.stderr.write(m + '\n');
    log(`genlab bench: ${describeBackend(info)}`);

    const results: Record<string, WorkloadTiming> = {};
    const rounds: Record<string, RoundFigures[]> = {};
    let ref: ReferenceResult | null = null;
    const torchOk = script ? torchAvailable() : false;
    if (script && !torchOk) log('reference skipped: /usr/bin/python3 cannot import torch (Debian: apt-get install -y python3-torch libopenblas0-pthread)');
    for (let round = 1; round <= roundCount; round++) {
      if (roundCount > 1) log(`round ${round}/${roundCount}`);
      for (const s of specs) {
        log(`${s.name}: ${s.description}`);
        const r = await timeWorkload(s, { steps, warmup, profile: flag(a, 'profile') && round === 1 });
        results[s.name] = round === 1 ? r : { ...results[s.name], ...(r.error ? { error: r.error } : {}) };
        (rounds[s.name] ??= []).push({ median_ms: r.median_ms, reference_ms: null });
        log(r.error ? `${s.name}: failed: ${r.error}` : `${s.name}: median ${r.median_ms!.toFixed(1)} ms`);
      }
      if (script && torchOk) {
        log(`running PyTorch reference (${script}) ...`);
        ref = runReference(script, steps);
        for (const s of specs) rounds[s.name][round - 1].reference_ms = ref.workloads[s.name]?.median_ms ?? null;
      }
    }
    const rows: Record<string, { params: number; median_ms: number | null; reference_ms: number | null; ratio: number | null; target: number; error?: string; profile?: WorkloadTiming['profile']; rounds?: RoundFigures[] }> = {};
    for (const s of specs) {
      const r = results[s.name];
      rows[s.name] = {
        params: r.params,
        ...combineRounds(rounds[s.name]),
        target: s.target,
        ...(r.error ? { error: r.error } : {}),
        ...(r.profile ? { profile: r.profile } : {}),
        ...(roundCount > 1 ? { rounds: rounds[s.name] } : {}),
      };
    }
    if (json) {
      console.log(JSON.stringify({ backend: info.name, threads: info.threads, kernel_pack: info.kernelPack, torch: ref?.torch ?? null, torch_threads: ref?.threads ?? null, rounds: roundCount, workloads: rows }));
      return 0;
    }
    const f = (x: number | null, d = 1) => (x === null ? '-' : x.toFixed(d));
    console.log(`${describeBackend(info)}${ref ? `; PyTorch ${ref.torch}, ${ref.threads} threads` : ''}`);
    console.log('workload    params      median ms  PyTorch ms  ratio  target');
    for (const [name, r] of Object.entries(rows)) {
      console.log(
        `${name.padEnd(11)} ${String(r.params).padStart(9)}  ${f(r.median_ms).padStart(9)}  ${f(r.reference_ms).padStart(10)}  ${f(r.ratio, 2).padStart(5)}  ${r.target.toFixed(1).padStart(6)}${r.error ? `  (${r.error})` : ''}`,
      );
      if (r.profile) for (const p of r.profile) console.log(`    ${p.kernel.padEnd(28)} ${p.ms.toFixed(1).padStart(8)} ms  ${String(p.calls).padStart(4)} calls`);
    }
    return 0;
  },
};
