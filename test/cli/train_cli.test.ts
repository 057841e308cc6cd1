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
    [['train', 'ddpm', '--data', 'toy:two-moons', '--allow-change', 'lr', '--out', join(dir, 'x')], /--allow-change only applies with --resume/],
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

/** stderr without npm's notices. */
const errLines = (r: { stderr: string }) => r.stderr.trim().split('\n').filter((l) => l && !l.includes('npm warn'));

test('SIGKILL before the first checkpoint: --resume starts again from step 0 with the saved config and says so; refusals stay one line', async () => {
  const run = join(mkdtempSync(join(tmpdir(), 'genlab-cli-')), 'run');
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'train', 'ae', '--data', 'toy:two-moons', '--steps', '100000', '--log-every', '5', '--checkpoint-every', '0', '--sample-every', '0', '--backend', 'cpu', '--out', run], { env: { ...process.env, CI: '1' } });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
    if (/step 10\//.test(err) && !child.killed) child.kill('SIGKILL');
  });
  const signal = await new Promise<string | null>((res) => child.on('exit', (_c, s) => res(s)));
  assert.equal(signal, 'SIGKILL', err);
  assert.ok(existsSync(join(run, 'config.json')) && !existsSync(join(run, 'latest')));
  const fresh = genlab('train', 'ae', '--data', 'toy:two-moons', '--out', run, '--backend', 'cpu');
  assert.equal(fresh.status, 2);
  assert.match(errLines(fresh).join('\n'), /^genlab: --out \S+ already exists and is not empty; pass --resume/);
  for (const [args, re] of [
    [['--lr', '0.5'], /^genlab: --resume: training.optimizers.model.lr is \S+ in the run but 0.5 now; .*--allow-change lr,schedule \(\S+config.json\)$/],
    [['--allow-change', 'seed'], /^genlab: --allow-change: 'seed' cannot change on resume; only lr, schedule can/],
    [['--from-step', '5'], /^genlab: --from-step 5: \S+step-0000005 does not exist \(checkpoints: none; 0 starts again\)$/],
  ] as [string[], RegExp][]) {
    const r = genlab('train', 'ae', '--resume', '--out', run, '--backend', 'cpu', ...args);
    assert.equal(r.status, 2, `${args}: ${r.stderr}`);
    assert.equal(errLines(r).length, 1, r.stderr);
    assert.match(errLines(r)[0], re);
  }
  const r = genlab('train', 'ae', '--resume', '--out', run, '--steps', '20', '--quiet', '--backend', 'cpu');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(errLines(r).filter((l) => !/^moved \d+ rows? of metrics.jsonl/.test(l)), [`--resume: ${run} has no checkpoint yet; starting from step 0 with its saved config.json`]);
  assert.equal(readFileSync(join(run, 'latest'), 'utf8').trim(), 'step-0000020');
  assert.ok(existsSync(join(run, 'model', 'model.json')));
});

test('a NaN stop names what it kept and the command to go on; following it recovers the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-cli-'));
  const run = join(dir, 'run');
  const cfg = join(dir, 'sgd.json');
  writeFileSync(cfg, JSON.stringify({ training: { optimizers: { model: { kind: 'sgd', lr: 1 } } } }));
  let r = genlab('train', 'ae', '--data', 'toy:two-moons', '--config', cfg, '--steps', '40', '--checkpoint-every', '0', '--sample-every', '0', '--quiet', '--backend', 'cpu', '--out', run);
  const tried: string[] = [];
  while (r.status !== 0) {
    assert.equal(r.status, 1, r.stderr);
    const last = errLines(r).at(-1)!;
    assert.match(last, /^genlab: step \d+: .*; stopped before any checkpoint with a finite loss and finite weights was written; to start again from step 0 with a lower learning rate: genlab train ae --out \S+ --resume --lr \S+ --allow-change lr$/);
    assert.ok(!existsSync(join(run, 'latest')));
    const command = last.slice(last.indexOf('genlab train ') + 'genlab '.length).split(' ');
    tried.push(command[command.indexOf('--lr') + 1]);
    assert.ok(tried.length <= 4, tried.join(' '));
    r = genlab(...command, '--quiet', '--backend', 'cpu');
  }
  assert.ok(existsSync(join(run, 'model', 'model.json')));
  const sessions = readFileSync(join(run, 'sessions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(sessions.slice(1).map((s) => s.changes[0].to), tried.map(Number));
  assert.equal(sessions.at(-1).status, 'done');
});
