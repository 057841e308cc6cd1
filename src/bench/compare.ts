/**
 * `genlab bench --reference`: genlab on the wasm path alone and with the native kernels, and
 * PyTorch, each at 1 and at 2 threads, in the same run. Every round runs each workload in each
 * configuration once, one workload through all configurations before the next (each in a fresh
 * process, see child.ts, since the wasm module's threads are fixed when it starts), so ratios
 * are taken within a round between timings seconds apart, and reported as medians over rounds.
 * Each workload's FLOPs per step (flops.ts) give achieved GFLOP/s, reported against the
 * machine's sgemm peak measured in the same run at the same thread count.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './run.js';
import { runReference, torchAvailable } from './reference.js';
import { WORKLOADS } from './workloads/index.js';
import { loadAddon } from '../backend/native/addon.js';
import type { NativeMode } from '../backend/native/index.js';
import type { ChildOptions, ChildResult } from './child.js';

export type ConfigKind = 'wasm' | 'native' | 'torch';

export interface Config {
  /** 'wasm-1', 'native-2', 'torch-1', ... */
  key: string;
  kind: ConfigKind;
  threads: number;
  label: string;
}

export interface CompareOptions {
  workloads: string[];
  steps: number;
  warmup: number;
  /** Warm-up seconds per workload, for genlab and PyTorch alike (run.ts says why); default 0. */
  warmupSeconds?: number;
  /** Timed steps go on for at least this many seconds (run.ts says why), genlab and PyTorch alike; default 0. */
  timedSeconds?: number;
  rounds: number;
  /** genlab's chosen --threads and --native: the configuration `ratio` is about. */
  threads: number;
  native: NativeMode;
  /** Thread settings to compare (default 1 and 2). */
  threadSettings?: number[];
  /** reference_torch.py, or null to leave PyTorch out. */
  referenceScript: string | null;
  onProgress?: (msg: string) => void;
}

export interface ConfigFigures {
  median_ms: number | null;
  gflops: number | null;
  /** gflops over the sgemm peak at the same thread count. */
  peak_fraction: number | null;
  /** Over PyTorch at its faster thread setting (median of per-round ratios). */
  ratio: number | null;
  error?: string;
}

export interface WorkloadComparison {
  params: number;
  flops: number | null;
  /** The chosen configuration's median, PyTorch's faster setting's, and their ratio. */
  median_ms: number | null;
  reference_ms: number | null;
  ratio: number | null;
  target: number;
  configs: Record<string, ConfigFigures>;
  /** Per round: every configuration's median step time. */
  rounds: Record<string, number | null>[];
}

export interface Comparison {
  rounds: number;
  steps: number;
  chosen: { key: string; label: string; native: NativeMode; threads: number; description: string };
  configs: Config[];
  torch: string | null;
  /**
   * The machine's sgemm peak per thread count: oneDNN's sgemm on a 2048^3 product at exactly
   * that many threads (the best of the rounds). torch.mm's figure is reported beside it but only
   * stands in when the addon is not built: PyTorch's OpenBLAS keeps its own thread count
   * whatever torch.set_num_threads says (its "1 thread" product ran at the 2-thread rate here).
   */
  peak: Record<string, { gflops: number | null; native: number | null; torch: number | null }>;
  notes: string[];
  workloads: Record<string, WorkloadComparison>;
}

const NATIVE_PEAK_N = 2048;

/** GFLOP/s of a 2048^3 product on the native addon at `threads` (median of 5), or null without the addon. */
export function nativeSgemmPeak(threads: number): number | null {
  const { addon } = loadAddon();
  if (!addon) return null;
  const n = NATIVE_PEAK_N;
  const heap = new Uint8Array(3 * n * n * 4);
  const f = new Float32Array(heap.buffer);
  for (let i = 0; i < 2 * n * n; i++) f[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  addon.setThreads(threads);
  const run = () => addon.gemm(heap, 1, false, false, n, n, n, 0, 4 * n * n, 8 * n * n, 0, 0);
  run();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return (2 * n ** 3) / median(times) / 1e6;
}

function childCommand(): { exec: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const child = self.replace(/compare\.(ts|js)$/, (_, ext: string) => `child.${ext}`);
  const args = [...process.execArgv];
  if (child.endsWith('.ts') && !args.some((a) => a.includes('tsx'))) args.push('--import', 'tsx');
  return { exec: process.execPath, args: [...args, child] };
}

function runGenlab(opts: ChildOptions): ChildResult {
  const { exec, args } = childCommand();
  const env = { ...process.env };
  delete env.GENLAB_NATIVE;
  const r = spawnSync(exec, [...args, JSON.stringify(opts)], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    throw new Error(`bench child (${opts.native}, ${opts.threads} threads) failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
  return JSON.parse(line) as ChildResult;
}

export function configsFor(threadSettings: number[], nativeBuilt: boolean, torch: boolean): Config[] {
  const out: Config[] = [];
  for (const n of threadSettings) out.push({ key: `wasm-${n}`, kind: 'wasm', threads: n, label: `wasm ${n}t` });
  if (nativeBuilt) for (const n of threadSettings) out.push({ key: `native-${n}`, kind: 'native', threads: n, label: `native ${n}t` });
  if (torch) for (const n of threadSettings) out.push({ key: `torch-${n}`, kind: 'torch', threads: n, label: `torch ${n}t` });
  return out;
}

/** Runs the comparison (see the file comment). */
export async function runComparison(o: CompareOptions): Promise<Comparison> {
  const log = o.onProgress ?? (() => undefined);
  const notes: string[] = [];
  const settings = [...new Set([...(o.threadSettings ?? [1, 2]), o.threads])].sort((a, b) => a - b);
  const { addon, reason } = loadAddon();
  if (!addon) notes.push(`native kernels: the addon is ${reason}; the wasm+native configurations are left out`);
  const torch = o.referenceScript !== null && torchAvailable();
  if (o.referenceScript !== null && !torch) notes.push('PyTorch: /usr/bin/python3 cannot import torch (Debian: apt-get install -y python3-torch libopenblas0-pthread)');
  const configs = configsFor(settings, Boolean(addon), torch);
  const chosenKind: ConfigKind = o.native === 'off' || !addon ? 'wasm' : 'native';
  if (o.native === 'on' && !addon) throw new Error(`--native on: the native addon is ${reason}`);
  const chosen = configs.find((c) => c.kind === chosenKind && c.threads === o.threads)!;

  const names = o.workloads;
  const rounds: Record<string, Record<string, number | null>[]> = Object.fromEntries(names.map((n) => [n, []]));
  const errors: Record<string, Record<string, string>> = Object.fromEntries(names.map((n) => [n, {}]));
  const params: Record<string, number> = {};
  const flops: Record<string, number | null> = Object.fromEntries(names.map((n) => [n, null]));
  const peaks: Record<string, { native: number[]; torch: number[] }> = Object.fromEntries(settings.map((n) => [String(n), { native: [], torch: [] }]));
  let torchVersion: string | null = null;

  for (let round = 1; round <= o.rounds; round++) {
    log(`round ${round}/${o.rounds}`);
    const figures: Record<string, Record<string, number | null>> = Object.fromEntries(names.map((n) => [n, {}]));
    for (const n of settings) {
      const p = nativeSgemmPeak(n);
      if (p !== null) peaks[String(n)].native.push(p);
    }
    // One workload at a time through every configuration, so that the timings a ratio pairs are
    // seconds apart rather than minutes: a shared machine's speed drifts by tens of percent over
    // minutes (seen here: the same PyTorch mlp-vae step at 9.7 and at 14.2 ms in one run).
    for (const n of names) {
      for (const c of configs) {
        if (c.kind === 'torch') {
          const peak = n === names[0]; // torch.mm's 2048^3 product once a round per thread setting
          const ref = runReference(o.referenceScript!, o.steps, { threads: c.threads, workloads: [n], peak, warmup: o.warmup, warmupSeconds: o.warmupSeconds, timedSeconds: o.timedSeconds });
          torchVersion = ref.torch;
          if (ref.sgemm_gflops) peaks[String(c.threads)].torch.push(ref.sgemm_gflops);
          figures[n][c.key] = ref.workloads[n]?.median_ms ?? null;
          continue;
        }
        const r = runGenlab({ threads: c.threads, native: c.kind === 'native' ? 'on' : 'off', workloads: [n], steps: o.steps, warmup: o.warmup, warmupSeconds: o.warmupSeconds, timedSeconds: o.timedSeconds, flops: flops[n] === null });
        const w = r.workloads[n];
        figures[n][c.key] = w?.median_ms ?? null;
        if (w) params[n] = w.params;
        if (w?.flops !== undefined) flops[n] ??= w.flops;
        if (w?.error) errors[n][c.key] = w.error;
      }
      log(`  ${n}: ${configs.map((c) => `${c.label} ${figures[n][c.key]?.toFixed(1) ?? '-'}`).join(', ')} ms`);
    }
    for (const n of names) rounds[n].push(figures[n]);
  }

  const peak: Comparison['peak'] = {};
  for (const n of settings) {
    const p = peaks[String(n)];
    const nat = p.native.length ? Math.max(...p.native) : null;
    const tor = p.torch.length ? Math.max(...p.torch) : null;
    peak[String(n)] = { gflops: nat ?? tor, native: nat, torch: tor };
  }
  const torchKeys = configs.filter((c) => c.kind === 'torch').map((c) => c.key);
  const bestTorch = (r: Record<string, number | null>): number | null => {
    const v = torchKeys.map((k) => r[k]).filter((x): x is number => x !== null);
    return v.length ? Math.min(...v) : null;
  };

  const workloads: Record<string, WorkloadComparison> = {};
  for (const n of names) {
    const spec = WORKLOADS.find((w) => w.name === n)!;
    const rs = rounds[n];
    const figs: Record<string, ConfigFigures> = {};
    for (const c of configs) {
      const ms = rs.map((r) => r[c.key]).filter((x): x is number => x !== null);
      const m = ms.length ? median(ms) : null;
      const ratios = rs.map((r) => (r[c.key] !== null && bestTorch(r) ? r[c.key]! / bestTorch(r)! : null)).filter((x): x is number => x !== null);
      const gflops = m !== null && flops[n] ? flops[n]! / m / 1e6 : null;
      const pk = peak[String(c.threads)].gflops;
      figs[c.key] = {
        median_ms: m,
        gflops,
        peak_fraction: gflops !== null && pk ? gflops / pk : null,
        ratio: ratios.length ? median(ratios) : null,
        ...(errors[n][c.key] ? { error: errors[n][c.key] } : {}),
      };
    }
    const refs = rs.map(bestTorch).filter((x): x is number => x !== null);
    workloads[n] = {
      params: params[n] ?? 0,
      flops: flops[n],
      median_ms: figs[chosen.key].median_ms,
      reference_ms: refs.length ? median(refs) : null,
      ratio: figs[chosen.key].ratio,
      target: spec.target,
      configs: figs,
      rounds: rs,
    };
  }
  return {
    rounds: o.rounds,
    steps: o.steps,
    chosen: { key: chosen.key, label: chosen.label, native: o.native, threads: o.threads, description: `genlab ${chosen.kind === 'native' ? 'wasm+native' : 'wasm only'}, ${o.threads} thread${o.threads === 1 ? '' : 's'}` },
    configs,
    torch: torchVersion,
    peak,
    notes,
    workloads,
  };
}

const f = (x: number | null | undefined, d = 1): string => (x === null || x === undefined ? '-' : x.toFixed(d));

/** The comparison as the text tables genlab bench prints. */
export function formatComparison(c: Comparison): string {
  const lines: string[] = [];
  const settings = Object.keys(c.peak);
  lines.push(`genlab bench --reference: ${c.rounds} round${c.rounds === 1 ? '' : 's'} of ${c.steps} steps; median ms per step over the rounds${c.torch ? `; PyTorch ${c.torch}` : ''}`);
  lines.push(
    `sgemm peak, 2048^3: ${settings
      .map((t) => `${f(c.peak[t].gflops, 0)} GFLOP/s at ${t} thread${t === '1' ? '' : 's'}`)
      .join(', ')} (${Object.values(c.peak).some((p) => p.native !== null) ? "oneDNN's sgemm" : 'torch.mm'}; torch.mm with torch.set_num_threads(${settings.join('/')}): ${settings.map((t) => f(c.peak[t].torch, 0)).join(' / ')}, its OpenBLAS keeps its own threads)`,
  );
  const cols = c.configs;
  lines.push(['workload  ', ' GFLOP', ...cols.map((k) => k.label.padStart(10)), ' ratio', 'target'].join('  '));
  for (const [name, w] of Object.entries(c.workloads)) {
    lines.push(
      [name.padEnd(10), f(w.flops === null ? null : w.flops / 1e9, 2).padStart(6), ...cols.map((k) => f(w.configs[k.key].median_ms).padStart(10)), f(w.ratio, 2).padStart(6), w.target.toFixed(1).padStart(6)].join('  '),
    );
  }
  lines.push(`ratio: ${c.chosen.description} over PyTorch at its faster thread setting (median of the per-round ratios)`);
  lines.push('');
  lines.push('achieved GFLOP/s (share of the sgemm peak at the same thread count); ratio to PyTorch at its faster setting');
  lines.push(['workload  ', ...cols.map((k) => k.label.padStart(17))].join('  '));
  for (const [name, w] of Object.entries(c.workloads)) {
    lines.push(
      [
        name.padEnd(10),
        ...cols.map((k) => {
          const g = w.configs[k.key];
          const cell = g.gflops === null ? '-' : `${g.gflops.toFixed(0)} (${(100 * (g.peak_fraction ?? 0)).toFixed(0)}%) ${f(g.ratio, 2)}`;
          return cell.padStart(17);
        }),
      ].join('  '),
    );
  }
  for (const [name, w] of Object.entries(c.workloads)) {
    for (const [k, g] of Object.entries(w.configs)) if (g.error) lines.push(`${name} ${k}: failed: ${g.error}`);
  }
  for (const n of c.notes) lines.push(n);
  return lines.join('\n');
}
