/** genlab sweep: grid x seeds in parallel workers, results table and plot, finished runs skipped on re-run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSweep } from '../../src/eval/sweep.js';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const genlab = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

test('expandSweep: cartesian grid times seeds', () => {
  const runs = expandSweep({ model: 'ddpm', args: [], grid: { lr: ['1e-3', '1e-4'], batch: ['32', '64'] }, seeds: [0, 1, 2], eval: [], metric: 'mmd' });
  assert.equal(runs.length, 12);
  assert.equal(new Set(runs.map((r) => r.name)).size, 12);
  assert.deepEqual(runs[0].flags, { lr: '1e-3', batch: '32' });
});

test('a tiny sweep runs, writes results, and skips finished runs when re-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-sweep-'));
  const cfg = join(dir, 'sweep.json');
  writeFileSync(cfg, JSON.stringify({
    model: 'ddpm', args: ['--data', 'toy:two-moons', '--steps', '60', '--sample-every', '0', '--checkpoint-every', '0', '--backend', 'wasm'],
    grid: { lr: ['1e-3', '3e-3'] }, seeds: [0, 1], eval: ['--metric', 'mmd', '--n', '500'], metric: 'mmd',
  }));
  const out = join(dir, 'out');
  const first = genlab('sweep', '--config', cfg, '--out', out, '--parallel', '2');
  assert.equal(first.status, 0, first.stderr);
  const rows = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 4);
  for (const r of rows) assert.ok(Number.isFinite(r.mmd), JSON.stringify(r));
  assert.ok(existsSync(join(out, 'mmd.svg')) && existsSync(join(out, 'results.csv')));
  const evalFile = join(out, 'runs', rows[0].run, 'eval.json');
  const stamp = statSync(evalFile).mtimeMs;
  const second = genlab('sweep', '--config', cfg, '--out', out, '--parallel', '2');
  assert.equal(second.status, 0, second.stderr);
  assert.equal(statSync(evalFile).mtimeMs, stamp, 'finished runs are not redone');
});
