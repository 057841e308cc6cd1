/** Times the workloads: warm-up steps, then the median of the timed steps (at least N, and for at least S seconds). */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng.js';
import type { WorkloadSpec } from './workload.js';

export interface WorkloadTiming {
  params: number;
  median_ms: number | null;
  min_ms: number | null;
  error?: string;
  /** Top kernels by total time over one step, when profiled. */
  profile?: { kernel: string; ms: number; calls: number }[];
}

export interface RunOptions {
  steps: number;
  /** Untimed steps first: at least this many... */
  warmup: number;
  /**
   * ... and until this many seconds have passed (default 0), so that every workload is timed in
   * its steady state, as a training run spends its hours. genlab's steps speed up over their first
   * ~50 (measured, mlp-vae with native kernels, medians: steps 4-13 25.4 ms, 14-50 18.1-18.4,
   * 51-100 15.1; wasm only 48.1 / 45.5-46.7 / 42.0; most likely V8 optimising tfjs's JavaScript),
   * while PyTorch's are flat from the fourth (20.7 / 20.2-22.0 / 21.5). The reference script
   * warms up by the same rule.
   */
  warmupSeconds?: number;
  /**
   * Timed steps go on past `steps` until this many seconds have passed (default 0). The median of
   * 10 steps of a 10 ms workload covers 0.1 s, and a shared machine's slow spells last longer than
   * that: more steps of the short workloads keep one spell from setting a round's median. The
   * reference script times by the same rule.
   */
  timedSeconds?: number;
  profile: boolean;
  onProgress?: (msg: string) => void;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function timeWorkload(spec: WorkloadSpec, opts: RunOptions): Promise<WorkloadTiming> {
  let w: ReturnType<WorkloadSpec['build']> | null = null;
  try {
    w = spec.build(new Rng(0));
    const warmUntil = performance.now() + 1000 * (opts.warmupSeconds ?? 0);
    for (let i = 0; i < opts.warmup || performance.now() < warmUntil; i++) w.step();
    const times: number[] = [];
    const timeUntil = performance.now() + 1000 * (opts.timedSeconds ?? 0);
    for (let i = 0; i < opts.steps || performance.now() < timeUntil; i++) {
      const t0 = performance.now();
      w.step();
      times.push(performance.now() - t0);
      opts.onProgress?.(`${spec.name}: step ${i + 1} ${times[i].toFixed(1)} ms`);
    }
    const result: WorkloadTiming = { params: w.params, median_ms: median(times), min_ms: Math.min(...times) };
    if (opts.profile) result.profile = await profileStep(w);
    return result;
  } catch (e) {
    return { params: w?.params ?? 0, median_ms: null, min_ms: null, error: (e as Error).message.split('\n')[0] };
  } finally {
    w?.dispose();
  }
}

/** Per-kernel wall time of one step, from tf.profile (kernels are timed as they run). */
async function profileStep(w: { step(): number }): Promise<{ kernel: string; ms: number; calls: number }[]> {
  const info = await tf.profile(() => {
    w.step();
  });
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls += 1;
    byName.set(k.name, e);
  }
  return [...byName.entries()]
    .map(([kernel, v]) => ({ kernel, ms: v.ms, calls: v.calls }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 12);
}

/** One workload's figures from one round: genlab's median and the reference's, same round. */
export interface RoundFigures {
  median_ms: number | null;
  reference_ms: number | null;
}

/**
 * Combines rounds of (genlab, PyTorch) timings of one workload. Each round runs both one after
 * the other, so a ratio is taken within a round and the reported ratio is the median of the
 * rounds' ratios (the machine's speed drifts over minutes; pairing cancels what two timings a
 * minute apart share). Times are the medians over rounds.
 */
export function combineRounds(rounds: RoundFigures[]): { median_ms: number | null; reference_ms: number | null; ratio: number | null } {
  const ours = rounds.map((r) => r.median_ms).filter((x): x is number => x !== null);
  const refs = rounds.map((r) => r.reference_ms).filter((x): x is number => x !== null);
  const ratios = rounds.filter((r) => r.median_ms !== null && r.reference_ms).map((r) => r.median_ms! / r.reference_ms!);
  return {
    median_ms: ours.length ? median(ours) : null,
    reference_ms: refs.length ? median(refs) : null,
    ratio: ratios.length ? median(ratios) : null,
  };
}
