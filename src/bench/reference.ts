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

export function runReference(script: string, steps: number): ReferenceResult {
  const r = spawnSync(PYTHON, [script, '--json', '--steps', String(steps)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new UserError(`reference ${script} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ReferenceResult;
}
