/** `genlab train` as a user runs it: exit statuses, one-line errors, Ctrl-C, resume. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const genlab = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

test('bad options give one line naming the problem and exit status 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-cli-'));
  const cases: [string[], RegExp][] = [
    [['train', 'ddpm', '--data', 'toy:nope'], /unknown toy distribution 'nope'/],
    [['train', 'ddpm', '--data', 'toy:two-moons', '--batch=-3'], /--batch must be at least 1/],
    [['train', 'ddpm', '--data', 'toy:two-moons', '--lr', 'NaN'], /--lr must be a finite number/],
    [['train', 'nosuchmodel'], /unknown model 'nosuchmodel'/],
    [['train', 'ddpm', '--data', 'toy:two-moons', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['train', 'ddpm', '--data', 'toy:two-moons', '--resume', '--out', join(dir, 'none')], /no config.json|not a genlab run/],
    [['eval', 'mnist:test', '--weights', 'average'], /--weights must be one of ema\|live, got 'average'/],
  ];
  const cfg = join(dir, 'bad.json');
  writeFileSync(cfg, JSON.stringify({ training: { batch: 0 } }));
  cases.push([['train', 'ddpm', '--data', 'toy:two-moons', '--config', cfg, '--out', join(dir, 'x')], /training.batch must be a positive integer, got 0/]);
  for (const [args, re] of cases) {
    const r = genlab(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: status ${r.status} ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.includes('npm warn'));
    assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
    assert.match(lines[0], re);
  }
  assert.ok(!existsSync(join(dir, 'x')), 'nothing written on a bad config');
});

test('Ctrl-C checkpoints and exits 130; --resume then finishes the run', async () => {
  const run = join(mkdtempSync(join(tmpdir(), 'genlab-cli-')), 'run');
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'train', 'ddpm', '--data', 'toy:two-moons', '--steps', '100000', '--log-every', '10', '--checkpoint-every', '0', '--sample-every', '0', '--backend', 'cpu', '--out', run], { env: { ...process.env, CI: '1' } });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
    if (/step 20\//.test(err) && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  assert.equal(code, 130, err);
  assert.match(err, /interrupted at step \d+; checkpoint written/);
  const latest = readFileSync(join(run, 'latest'), 'utf8').trim();
  const step = Number(latest.replace('step-', ''));
  assert.ok(step >= 20);
  const r = genlab('train', 'ddpm', '--resume', '--out', run, '--steps', String(step + 10), '--backend', 'cpu');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`resuming at step ${step}`));
  assert.ok(existsSync(join(run, 'model', 'model.json')));
});
