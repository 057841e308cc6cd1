/**
 * The PyTorch reference (bench/reference_torch.py, shipped with the package), run in the same benchmark
 * invocation so that ratios compare timings taken on the same machine at the same time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../util/errors.js';

export interface ReferenceResult {
  torch: string;
  threads: number;
  workloads: Record<string, { params: number; median_ms: number; min_ms: number }>;
  /** GFLOP/s of a 2048^3 torch.mm, when asked for (peak). */
  sgemm_gflops?: number;
}

export interface ReferenceOptions {
  /** torch.set_num_threads (default: PyTorch's own default). */
  threads?: number;
  /** A subset of the workloads (default: all). */
  workloads?: string[];
  /** Also time a 2048^3 product. */
  peak?: boolean;
  /** Untimed steps first: at least `warmup` (the script's default 3) and for `warmupSeconds` (default 0). */
  warmup?: number;
  warmupSeconds?: number;
  /** Timed steps: at least `steps` and for `timedSeconds` (default 0). */
  timedSeconds?: number;
}

export const PYTHON = '/usr/bin/python3';

/** Finds reference_torch.py: an explicit path, $GENLAB_REFERENCE, or the copy in the package's bench/. */
export function locateReferenceScript(explicit?: string): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new UserError(`--reference-script: no file at ${explicit}`);
    return explicit;
  }
  const fromEnv = process.env.GENLAB_REFERENCE;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new UserError(`GENLAB_REFERENCE: no file at ${fromEnv}`);
    return fromEnv;
  }
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const shipped = join(packageRoot, 'bench', 'reference_torch.py');
  if (existsSync(shipped)) return shipped;
  throw new UserError(`--reference: ${shipped} is missing from this installation (pass --reference-script PATH)`);
}

export function torchAvailable(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  return r.status === 0;
}

export function runReference(script: string, steps: number, opts: ReferenceOptions = {}): ReferenceResult {
  const args = [script, '--json', '--steps', String(steps)];
  if (opts.threads) args.push('--threads', String(opts.threads));
  if (opts.workloads) args.push('--workloads', opts.workloads.join(','));
  if (opts.peak) args.push('--peak');
  if (opts.warmup !== undefined) args.push('--warmup', String(opts.warmup));
  if (opts.warmupSeconds !== undefined) args.push('--warmup-seconds', String(opts.warmupSeconds));
  if (opts.timedSeconds !== undefined) args.push('--timed-seconds', String(opts.timedSeconds));
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new UserError(`reference ${script} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ReferenceResult;
}
