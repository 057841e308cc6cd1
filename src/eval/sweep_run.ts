/**
 * One run of a study: `genlab train` into the run directory, then `genlab eval` on it, each in
 * its own child process; the metrics land in RUN/eval.json. Shared by the local sweep
 * (src/eval/sweep.ts, N runs at a time on this machine) and the queue's workers
 * (src/queue/worker.ts, any number of hosts), so both train, resume and evaluate a run the same
 * way and give the same numbers.
 *
 * A run whose eval.json exists is finished: its metrics are read back, nothing is redone. A run
 * with a checkpoint (RUN/latest) was interrupted: training continues from that checkpoint
 * (`genlab train --resume`, which is exact). Anything else is started afresh in an emptied
 * directory.
 *
 * Failures: a child that exits with status 2 refused what it was asked (a UserError: a bad flag,
 * a missing file); asking again gives the same answer, so the run is `kind: 'user'` and its
 * message is the child's one-line `genlab: ...`. Any other failure (a crash, a signal) is
 * `kind: 'crash'`, which a queue may retry.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';

/** What a run needs besides its own flags and seed: the study's family, common flags and eval flags. */
export interface StudyRunSpec {
  model: string;
  args: string[];
  eval: string[];
  /** The run's own flags and seed (a SweepRun of src/eval/sweep.ts). */
  run: { seed: number; flags: Record<string, string> };
}

export interface ChildOptions {
  /** The genlab entry point (src/cli/main.ts under tsx, dist/cli/main.js when built). */
  main: string;
  /** wasm threads of each child (GENLAB_THREADS). */
  threads: number;
  /** Aborting kills the running child (a queue worker that lost its hold on the run). */
  signal?: AbortSignal;
}

export type RunPhase = 'training' | 'evaluating';

export type RunOutcome =
  | {
      status: 'done';
      metrics: Record<string, unknown>;
      /** eval.json was already there: nothing ran. */
      reused: boolean;
      /** The checkpoint training continued from (step-NNNNNNN), or null for a fresh start. */
      resumedFrom: string | null;
      trainSeconds: number;
      evalSeconds: number;
    }
  | { status: 'failed'; phase: 'train' | 'eval'; kind: 'user' | 'crash'; message: string };

/** The preload that makes a child die with its parent (see die_with_parent.ts), as a path beside this file. */
const DIE_WITH_PARENT = new URL(`./die_with_parent.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `genlab ARGS` as a child process; its stderr goes to `logPath`. */
function runGenlab(args: string[], logPath: string, opts: ChildOptions, onSpawn?: (pid: number) => void): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, '--import', DIE_WITH_PARENT.href, opts.main, ...args], {
      env: { ...process.env, CI: '1', GENLAB_THREADS: String(opts.threads) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const kill = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', kill, { once: true });
    if (opts.signal?.aborted) kill();
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', kill);
      writeFileSync(logPath, stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The child's own account of what went wrong: its last `genlab: ...` line, else its last line. */
function lastMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => l.startsWith('genlab: ')).pop();
  return (own ?? lines.pop() ?? '').replace(/^genlab: /, '');
}

function failure(phase: 'train' | 'eval', r: ChildResult, logPath: string): RunOutcome {
  const how = r.signal ? `was killed by ${r.signal}` : `exited with status ${r.code}`;
  const said = lastMessage(r.stderr);
  return {
    status: 'failed',
    phase,
    kind: r.code === 2 ? 'user' : 'crash',
    message: r.code === 2 && said ? `genlab ${phase}: ${said}` : `genlab ${phase} ${how}${said ? `: ${said}` : ''} (log: ${logPath})`,
  };
}

/**
 * Trains and evaluates one run in `dir` (logs beside it: DIR.train.log, DIR.eval.log).
 * `onPhase` hears when each child starts, with its pid.
 */
export async function trainAndEvaluate(spec: StudyRunSpec, dir: string, opts: ChildOptions, onPhase?: (phase: RunPhase, pid: number, resumedFrom: string | null) => void): Promise<RunOutcome> {
  const evalPath = join(dir, 'eval.json');
  if (existsSync(evalPath)) {
    return { status: 'done', metrics: JSON.parse(readFileSync(evalPath, 'utf8')) as Record<string, unknown>, reused: true, resumedFrom: null, trainSeconds: 0, evalSeconds: 0 };
  }
  const { run } = spec;
  const flags = Object.entries(run.flags).flatMap(([k, v]) => [`--${k}`, v]);
  const latest = join(dir, 'latest');
  const resumedFrom = existsSync(latest) ? readFileSync(latest, 'utf8').trim() : null;
  if (resumedFrom === null) rmSync(dir, { recursive: true, force: true });
  const trainLog = `${dir}.train.log`;
  const t0 = performance.now();
  const train = await runGenlab(
    ['train', spec.model, ...spec.args, ...flags, '--seed', String(run.seed), '--out', dir, ...(resumedFrom !== null ? ['--resume'] : []), '--quiet'],
    trainLog,
    opts,
    (pid) => onPhase?.('training', pid, resumedFrom),
  );
  if (train.code !== 0) return failure('train', train, trainLog);
  const t1 = performance.now();
  const evalLog = `${dir}.eval.log`;
  const evaluated = await runGenlab(['eval', dir, ...spec.eval, '--json'], evalLog, opts, (pid) => onPhase?.('evaluating', pid, resumedFrom));
  if (evaluated.code !== 0) return failure('eval', evaluated, evalLog);
  let metrics: Record<string, unknown>;
  try {
    metrics = JSON.parse(evaluated.stdout) as Record<string, unknown>;
  } catch {
    return { status: 'failed', phase: 'eval', kind: 'crash', message: `genlab eval printed no JSON (log: ${evalLog})` };
  }
  await writeFileAtomic(evalPath, evaluated.stdout.trim() + '\n');
  return { status: 'done', metrics, reused: false, resumedFrom, trainSeconds: (t1 - t0) / 1000, evalSeconds: (performance.now() - t1) / 1000 };
}
