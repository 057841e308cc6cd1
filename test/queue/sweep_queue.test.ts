/**
 * genlab sweep --queue and genlab worker against a real redis-server, started here on 127.0.0.1
 * on a free port (append-only file, fsync on every write), with real worker processes:
 *   - a 2 configs x 2 seeds ddpm study gives the local sweep's numbers, bit for bit, and the same
 *     final weights (checksums), although one worker is SIGKILLed mid-run: its training child
 *     dies with it, another worker takes the run over and resumes it from its last checkpoint;
 *   - every run is counted once; submitting the study again queues nothing;
 *   - a run failing with a user error is failed once, not retried, its message in the results;
 *   - the results come back from Redis after Redis itself is SIGKILLed and restarted.
 * (A malformed --queue or an unreachable Redis: test/queue/queue_errors.test.ts.)
 * Nothing waits a fixed time: every wait polls for a condition, with a generous deadline.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { weightsChecksum } from '../../src/queue/worker.js';
import { QUEUE_NAME } from '../../src/queue/connect.js';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const ENV = { ...process.env, CI: '1' };
const genlabSync = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: ENV });

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
const skip = hasRedis ? false : 'redis-server is not installed (apt-get install redis-server; .ci/run installs it)';

const started: ChildProcess[] = [];
after(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 50 ms until it returns a value (not undefined/false), or fails after `ms`. */
async function until<T>(what: string, ms: number, check: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function launch(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

const genlab = (...args: string[]) => launch(process.execPath, ['--import', 'tsx', MAIN, ...args]);

async function startRedis(port: number, dir: string): Promise<Proc> {
  const r = launch('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no']);
  await until('redis-server to accept connections', 20_000, () => r.out().includes('Ready to accept connections') || (r.child.exitCode !== null && assert.fail(`redis-server exited: ${r.out()}`)));
  return r;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const readJsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A results row without what depends on the clock. */
const numbers = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'sampling_seconds'));

test('a study on the queue: the local sweep\'s results, a killed worker recovered, no double counting, nothing re-queued, results kept across a Redis restart', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-queue-'));
  const port = await freePort();
  let redis = await startRedis(port, dir);
  const queue = `redis://127.0.0.1:${port}`;

  // 300 steps with a checkpoint every 100: a window (steps 100..300) in which to kill a worker.
  const study = {
    model: 'ddpm',
    args: ['--data', 'toy:eight-gaussians', '--steps', '300', '--sample-every', '0', '--checkpoint-every', '100', '--backend', 'wasm'],
    grid: { lr: ['1e-3', '3e-3'] },
    seeds: [0, 1],
    eval: ['--metric', 'mmd', '--n', '300'],
    metric: 'mmd',
  };
  const cfg = join(dir, 'sweep.json');
  writeFileSync(cfg, JSON.stringify(study));

  // The reference: the same study run by the local sweep.
  const local = genlabSync('sweep', '--config', cfg, '--out', join(dir, 'local'), '--parallel', '2');
  assert.equal(local.status, 0, local.stderr);
  const localRows = readJsonl(join(dir, 'local', 'results.jsonl'));
  assert.equal(localRows.length, 4);

  const workerArgs = ['worker', '--queue', queue, '--threads', '1', '--lock-seconds', '3'];
  const workers = [genlab(...workerArgs), genlab(...workerArgs)];
  const out = join(dir, 'queued');
  const sweep = genlab('sweep', '--config', cfg, '--out', out, '--queue', queue);

  // Kill a worker once one of its runs has written a checkpoint (RUN/latest) and is still training.
  const training = /worker: (\S+): training \(seed \d+, attempt \d+\)(?:, resuming from \S+)? \(pid (\d+)\)/g;
  const victim = await until('a worker training a run that has a checkpoint', 60_000, () => {
    for (const w of workers) {
      const starts = [...w.err().matchAll(training)];
      const last = starts.pop();
      if (!last) continue;
      const [, run, pid] = last;
      if (w.err().includes(`worker: ${run}: evaluating`)) continue;
      if (existsSync(join(out, 'runs', run, 'latest'))) return { w, run, pid: Number(pid) };
    }
    return undefined;
  });
  victim.w.child.kill('SIGKILL');
  await until(`the killed worker's training child (pid ${victim.pid}) to die with it`, 10_000, () => !alive(victim.pid));
  workers.push(genlab(...workerArgs)); // a fresh worker joins, as a restarted host would

  const code = await until('the study to finish', 90_000, () => sweep.child.exitCode ?? undefined);
  assert.equal(code, 0, sweep.err());
  assert.match(sweep.err(), new RegExp(`${esc(victim.run)} running( on \\S+)? \\(attempt 2`), sweep.err());
  const takeover = workers.filter((w) => w !== victim.w).map((w) => w.err()).join('\n');
  assert.match(takeover, new RegExp(`worker: ${esc(victim.run)}: training \\(seed \\d, attempt 2\\), resuming from step-\\d+`), takeover);

  // The same numbers as the local sweep, and the same final weights, resumed run included.
  const rows = readJsonl(join(out, 'results.jsonl'));
  assert.deepEqual(rows.map(numbers), localRows.map(numbers));
  const runs = readJsonl(join(out, 'queue.jsonl'));
  assert.equal(runs.length, 4);
  for (const r of runs) {
    assert.equal(r.state, 'done');
    assert.equal(r.weights_sha256, weightsChecksum(join(dir, 'local', 'runs', String(r.run))), `${r.run}: final weights differ from the local sweep's`);
  }
  const resumed = runs.find((r) => r.run === victim.run)!;
  assert.match(String(resumed.resumed_from), /^step-\d+$/);
  assert.equal(resumed.attempts_started, 2);
  assert.equal(runs.filter((r) => r.run !== victim.run && r.attempts_started !== 1).length, 0, JSON.stringify(runs));
  // The resumed run's log: a first session cut short, a second one from its checkpoint to the end.
  const sessions = readJsonl(join(out, 'runs', victim.run, 'sessions.jsonl'));
  assert.equal(sessions.at(-1)!.toStep, 300);
  assert.ok(Number(sessions.at(-1)!.fromStep) >= 100, JSON.stringify(sessions));

  const { Queue } = await import('bullmq');
  const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null } });
  try {
    const counts = await q.getJobCounts();
    assert.equal(counts.completed, 4);

    // Submitting again queues nothing: every run is found done.
    const again = genlabSync('sweep', '--config', cfg, '--out', out, '--queue', queue);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /queued 0 new; already there: 4 completed/);
    assert.deepEqual(await q.getJobCounts(), counts);
    assert.deepEqual(readJsonl(join(out, 'results.jsonl')).map(numbers), localRows.map(numbers));

    // A user error: failed at once, not retried, its message in the results; the exit status says so.
    const badCfg = join(dir, 'bad.json');
    writeFileSync(badCfg, JSON.stringify({ ...study, grid: { lr: ['-1'] }, seeds: [0] }));
    const bad = genlabSync('sweep', '--config', badCfg, '--out', join(dir, 'bad'), '--queue', queue);
    assert.equal(bad.status, 1, bad.stderr);
    const [badRow] = readJsonl(join(dir, 'bad', 'results.jsonl'));
    assert.equal(badRow.run, 'lr=-1__seed0');
    assert.match(String(badRow.error), /^genlab train: --lr must be positive, got -1$/);
    assert.equal(readJsonl(join(dir, 'bad', 'queue.jsonl'))[0].attempts_started, 1);
    assert.equal((await q.getJobCounts()).failed, 1);
  } finally {
    await q.close();
  }

  // Redis killed outright and restarted on its files: the results are still there.
  for (const w of workers) w.child.kill('SIGKILL');
  redis.child.kill('SIGKILL');
  await redis.exited;
  redis = await startRedis(port, dir);
  const collected = genlabSync('sweep', '--out', out, '--queue', queue, '--collect');
  assert.equal(collected.status, 0, collected.stderr);
  assert.match(collected.stderr, /4\/4 runs done/);
  assert.deepEqual(readJsonl(join(out, 'results.jsonl')).map(numbers), localRows.map(numbers));
  assert.deepEqual(readJsonl(join(out, 'queue.jsonl')).map((r) => r.worker !== null), [true, true, true, true], 'the rows came from Redis, not from the run directories');
});
