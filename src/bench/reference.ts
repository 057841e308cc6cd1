/**
 * The PyTorch reference (../shared/bench/reference_torch.py), run in the same benchmark
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
}

export const PYTHON = '/usr/bin/python3';

/** Finds reference_torch.py: an explicit path, $GENLAB_REFERENCE, or ../shared/bench/ beside the package root. */
export function locateReferenceScript(explicit?: string): string {
  const candidates = [explicit, process.env.GENLAB_REFERENCE];
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  candidates.push(join(packageRoot, '..', 'shared', 'bench', 'reference_torch.py'));
  for (const c of candidates) if (c && existsSync(c)) return c;
  if (explicit) throw new UserError(`--reference-script: no file at ${explicit}`);
  throw new UserError('--reference: reference_torch.py not found (pass --reference-script PATH or set GENLAB_REFERENCE)');
}

export function torchAvailable(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  return r.status === 0;
}

export function runReference(script: string, steps: number): ReferenceResult {
  const r = spawnSync(PYTHON, [script, '--json', '--steps', String(steps)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new UserError(`reference ${script} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ReferenceResult;
}
