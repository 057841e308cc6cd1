/** One run of a study (shared by the local sweep and the queue's workers): user errors, reuse, abort. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainAndEvaluate } from '../../src/eval/sweep_run.js';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const spec = (flags: Record<string, string>) => ({ model: 'ddpm', args: ['--data', 'toy:eight-gaussians', '--steps', '20000', '--sample-every', '0'], eval: [], run: { seed: 0, flags } });

test('a run refused with a user error (exit 2) is kind "user", with the child\'s one-line message', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'genlab-run-')), 'r');
  const o = await trainAndEvaluate(spec({ lr: '-1' }), dir, { main: MAIN, threads: 1 });
  assert.deepEqual(o, { status: 'failed', phase: 'train', kind: 'user', message: 'genlab train: --lr must be positive, got -1' });
  assert.match(readFileSync(`${dir}.train.log`, 'utf8'), /--lr must be positive/);
});

test('a run with eval.json is finished: its metrics are read back and nothing runs', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'genlab-run-')), 'r');
  mkdirSync(dir);
  writeFileSync(join(dir, 'eval.json'), '{"mmd":0.125}\n');
  const o = await trainAndEvaluate(spec({}), dir, { main: '/nonexistent/main.js', threads: 1 });
  assert.deepEqual(o, { status: 'done', metrics: { mmd: 0.125 }, reused: true, resumedFrom: null, trainSeconds: 0, evalSeconds: 0 });
  assert.ok(!existsSync(`${dir}.train.log`));
});

test('aborting kills the training child: a crash, not a user error', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'genlab-run-')), 'r');
  const stop = new AbortController();
  const o = await trainAndEvaluate(spec({}), dir, { main: MAIN, threads: 1, signal: stop.signal }, (phase) => {
    if (phase === 'training') setImmediate(() => stop.abort());
  });
  assert.equal(o.status, 'failed');
  assert.ok(o.status === 'failed' && o.kind === 'crash' && o.phase === 'train', JSON.stringify(o));
  assert.match(o.status === 'failed' ? o.message : '', /^genlab train was killed by SIGKILL/);
});

test('genlab sweep (local): a failed run is a row with its error, and the exit status is 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-sweep-fail-'));
  const cfg = join(dir, 'sweep.json');
  writeFileSync(cfg, JSON.stringify({ model: 'ddpm', args: ['--data', 'toy:eight-gaussians'], grid: { lr: ['-1'] }, seeds: [3], eval: [], metric: 'mmd' }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'sweep', '--config', cfg, '--out', join(dir, 'out'), '--parallel', '1'], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /1 of 1 runs failed/);
  const rows = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows, [{ run: 'lr=-1__seed3', group: 'lr=-1', seed: 3, lr: '-1', error: 'genlab train: --lr must be positive, got -1' }]);
});
