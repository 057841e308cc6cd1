/**
 * A study over configs and seeds, as Lucic et al. (2018) ran at scale: every combination of
 * a grid (or random draws from ranges) times every seed is trained and evaluated by its own
 * `genlab` worker process, N at a time (src/eval/sweep_run.ts; src/queue/ runs the same runs
 * through a Redis job queue, on any number of hosts). A run whose eval.json exists is finished
 * and skipped, so an interrupted sweep continues where it stopped. Results: results.jsonl,
 * results.csv and a strip plot of the chosen metric per group (the spread over seeds is the
 * point).
 *
 * SWEEP.json:
 *   { "model": "ddpm",                                   family to train
 *     "args": ["--data", "toy:eight-gaussians", "--steps", "500"],   common train flags
 *     "grid": { "lr": ["1e-3", "3e-4"] },               flag -> values (cartesian product)
 *     "random": { "count": 4, "ranges": { "lr": [1e-4, 1e-2, "log"] } },   optional, instead of or with grid
 *     "seeds": [0, 1, 2],
 *     "eval": ["--metric", "mmd,modes"],                 genlab eval flags (plus --json)
 *     "metric": "mmd" }                                  the metric plotted per group
 */
import { join } from 'node:path';
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { makeDirs } from '../io/atomic.js';
import { trainAndEvaluate } from './sweep_run.js';
import { formatSeconds } from '../util/progress.js';

export interface SweepConfig {
  model: string;
  args: string[];
  grid?: Record<string, string[]>;
  random?: { count: number; ranges: Record<string, [number, number, 'log' | 'linear']> };
  seeds: number[];
  eval: string[];
  metric: string;
}

export interface SweepRun {
  name: string;
  group: string;
  seed: number;
  flags: Record<string, string>;
}

export function parseSweep(text: string, path: string): SweepConfig {
  let c: SweepConfig;
  try {
    c = JSON.parse(text) as SweepConfig;
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const known = ['model', 'args', 'grid', 'random', 'seeds', 'eval', 'metric'];
  for (const k of Object.keys(c)) if (!known.includes(k)) throw new UserError(`${path}: unknown key '${k}' (${known.join(', ')})`);
  if (typeof c.model !== 'string') throw new UserError(`${path}: 'model' must name a model family`);
  if (!Array.isArray(c.args) || c.args.some((a) => typeof a !== 'string')) throw new UserError(`${path}: 'args' must be a list of strings`);
  if (!Array.isArray(c.seeds) || c.seeds.length === 0 || c.seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new UserError(`${path}: 'seeds' must be a non-empty list of whole numbers`);
  if (!Array.isArray(c.eval)) throw new UserError(`${path}: 'eval' must be a list of genlab eval flags`);
  if (typeof c.metric !== 'string') throw new UserError(`${path}: 'metric' must name the metric to plot`);
  return c;
}

/** Every run of the study: the grid's cartesian product (and random draws), times the seeds. */
export function expandSweep(c: SweepConfig): SweepRun[] {
  let combos: Record<string, string>[] = [{}];
  for (const [flag, values] of Object.entries(c.grid ?? {})) combos = combos.flatMap((base) => values.map((v) => ({ ...base, [flag]: String(v) })));
  if (c.random) {
    const rng = new Rng(12345);
    const drawn: Record<string, string>[] = [];
    for (let i = 0; i < c.random.count; i++) {
      const d: Record<string, string> = {};
      for (const [flag, [lo, hi, scale]] of Object.entries(c.random.ranges)) {
        const u = rng.uniform();
        d[flag] = String(+(scale === 'log' ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo)).toPrecision(3));
      }
      drawn.push(d);
    }
    combos = c.grid ? combos.flatMap((g) => drawn.map((d) => ({ ...g, ...d }))) : drawn;
  }
  const runs: SweepRun[] = [];
  for (const flags of combos) {
    const group = Object.entries(flags).map(([k, v]) => `${k}=${v}`).join(',') || 'default';
    for (const seed of c.seeds) runs.push({ name: `${group.replace(/[^a-zA-Z0-9=.,-]+/g, '_')}__seed${seed}`, group, seed, flags });
  }
  return runs;
}

/** A run that did not finish, as a results row: its flags and seed, and what went wrong. */
export function failedRow(r: SweepRun, message: string): Record<string, unknown> {
  return { run: r.name, group: r.group, seed: r.seed, ...r.flags, error: message };
}

/** A finished run as a results row: its flags and seed, then the metrics genlab eval printed. */
export function resultRow(r: SweepRun, metrics: Record<string, unknown>): Record<string, unknown> {
  return { run: r.name, group: r.group, seed: r.seed, ...r.flags, ...metrics };
}

/**
 * Runs the study. `log` gets a line when a run starts, finishes or fails, and, while runs are
 * going, a line every `heartbeatMs` (default 30 s) saying what is running and for how long.
 * A run that failed is a row with an `error` (and is tried again when the sweep is re-run).
 */
export async function runSweep(c: SweepConfig, out: string, parallel: number, main: string, log: (m: string) => void, heartbeatMs = 30_000): Promise<Record<string, unknown>[]> {
  const runs = expandSweep(c);
  await makeDirs(join(out, 'runs'));
  let next = 0;
  let done = 0;
  const results: Record<string, unknown>[] = [];
  const t0 = performance.now();
  const running = new Map<string, { phase: string; since: number }>();
  const heartbeat = setInterval(() => {
    if (!running.size) return;
    const now = performance.now();
    const what = [...running].map(([name, r]) => `${name} (${r.phase}, ${formatSeconds((now - r.since) / 1000)})`).join(', ');
    log(`sweep: ${done}/${runs.length} runs done, ${formatSeconds((now - t0) / 1000)} so far; running ${what}`);
  }, heartbeatMs);
  heartbeat.unref();
  const worker = async () => {
    while (next < runs.length) {
      const r = runs[next++];
      const position = next;
      const outcome = await trainAndEvaluate({ model: c.model, args: c.args, eval: c.eval, run: r }, join(out, 'runs', r.name), { main, threads: 1 }, (phase, _pid, resumedFrom) => {
        if (phase === 'training') log(`sweep: training ${r.name} (${position}/${runs.length})${resumedFrom ? ', resuming' : ''}`);
        running.set(r.name, { phase, since: performance.now() });
      });
      running.delete(r.name);
      if (outcome.status === 'failed') {
        log(`${r.name}: ${outcome.phase === 'train' ? 'training' : 'evaluation'} failed: ${outcome.message}`);
        results.push(failedRow(r, outcome.message));
        continue;
      }
      results.push(resultRow(r, outcome.metrics));
      done++;
      log(`sweep: ${done}/${runs.length} runs done`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  } finally {
    clearInterval(heartbeat);
  }
  results.sort((a, b) => String(a.run).localeCompare(String(b.run)));
  return results;
}

/** One column per group, one dot per seed: the spread a single number would hide. */
export function stripPlotSvg(rows: Record<string, unknown>[], metric: string): string {
  const groups = [...new Set(rows.map((r) => String(r.group)))];
  const vals = rows.map((r) => Number(r[metric])).filter(Number.isFinite);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const W = Math.max(320, 120 * groups.length + 80);
  const H = 320;
  const y = (v: number) => 30 + (1 - (v - lo) / (hi - lo || 1)) * (H - 90);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11"><rect width="${W}" height="${H}" fill="white"/>`];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${metric} by group (one dot per seed)</text>`);
  for (const t of [lo, (lo + hi) / 2, hi]) parts.push(`<text x="56" y="${y(t) + 4}" text-anchor="end">${+t.toPrecision(4)}</text><line x1="60" x2="${W - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
  groups.forEach((g, i) => {
    const x = 80 + i * 120 + 40;
    parts.push(`<text x="${x}" y="${H - 40}" text-anchor="middle">${g.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`);
    for (const r of rows.filter((row) => row.group === g)) {
      const v = Number(r[metric]);
      if (Number.isFinite(v)) parts.push(`<circle cx="${x + ((Number(r.seed) % 5) - 2) * 4}" cy="${y(v)}" r="3.5" fill="#1f77b4" fill-opacity="0.8"/>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

export function resultsCsv(rows: Record<string, unknown>[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => typeof rows.find((r) => k in r)![k] !== 'object');
  return [keys.join(','), ...rows.map((r) => keys.map((k) => (r[k] === undefined ? '' : String(r[k]))).join(','))].join('\n') + '\n';
}
