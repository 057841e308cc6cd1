/**
 * A study worker: takes runs off the queue, trains and evaluates each with the local sweep's
 * code (src/eval/sweep_run.ts), and reports the metrics and the final weights' checksum as the
 * job's result.
 *
 * Faults, and who handles them:
 *   - this worker killed (SIGKILL, a lost host): its children die with it (die_with_parent.ts);
 *     its hold on each run (a BullMQ lock, renewed every lockSeconds/2) lapses, and another
 *     worker's stalled-job check puts the run back in the queue about lockSeconds to
 *     2 * lockSeconds later; whoever takes it resumes from RUN/latest. A run whose workers die
 *     more than MAX_STALLS times is failed, so a run that kills its host is not retried forever.
 *   - a hold that could not be renewed (Redis unreachable for longer than the lock): the run's
 *     child is killed at once, since another worker may be starting the same run.
 *   - a run that fails with a user error (exit status 2): failed, not retried, the message kept.
 *   - any other failure: retried (the job's attempts, set by submitStudy).
 *   - SIGINT / SIGTERM: the runs in progress are stopped and handed back to the queue at once
 *     (their next worker resumes them from their last checkpoint); a second signal exits at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { makeDirs } from '../io/atomic.js';
import { trainAndEvaluate } from '../eval/sweep_run.js';
import { QUEUE_NAME, type OpenedQueue } from './connect.js';
import type { RunJobData, RunJobResult } from './study.js';

/** How long a stopping worker waits for Redis to take its runs back. */
const CLOSE_SECONDS = 10;

/** A run may lose its worker this many times before it is failed. */
export const MAX_STALLS = 3;

export interface WorkerSettings {
  concurrency: number;
  threads: number;
  /** How long a hold on a run lasts unrenewed; also how often this worker checks for stalled runs. */
  lockSeconds: number;
  /** The genlab entry point the children run. */
  main: string;
  log: (m: string) => void;
}

/** sha256 over RUN/model's files (name, NUL, bytes; by name), or null without RUN/model. */
export function weightsChecksum(runDir: string): string | null {
  const dir = join(runDir, 'model');
  if (!existsSync(dir)) return null;
  const h = createHash('sha256');
  for (const name of readdirSync(dir).sort()) h.update(name).update('\0').update(readFileSync(join(dir, name)));
  return h.digest('hex');
}

/** Serves the queue until SIGINT or SIGTERM; resolves to the exit status (130 or 143). */
export async function serveQueue(q: OpenedQueue, s: WorkerSettings): Promise<number> {
  const { Worker, UnrecoverableError, WaitingError } = q.bullmq;
  const me = `${hostname()}:${process.pid}`;
  const stops = new Map<string, AbortController>(); // job id -> kills that run's child
  let stopping = false;

  const processor = async (job: Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    const d = job.data;
    const name = d.run.name;
    const stop = new AbortController();
    stops.set(job.id!, stop);
    try {
      try {
        await makeDirs(join(d.out, 'runs'));
      } catch (e) {
        // Not this run's fault: another worker (one that mounts DIR) may manage, so it is retried.
        throw new Error(`worker ${me} cannot write the study's directory: ${(e as Error).message}`);
      }
      const outcome = await trainAndEvaluate(d, join(d.out, 'runs', name), { main: s.main, threads: s.threads, signal: stop.signal }, (phase, pid, resumedFrom) => {
        if (phase === 'training') s.log(`worker: ${name}: training (seed ${d.run.seed}, attempt ${job.attemptsStarted})${resumedFrom ? `, resuming from ${resumedFrom}` : ''} (pid ${pid})`);
        else s.log(`worker: ${name}: evaluating (pid ${pid})`);
      });
      if (stopping && outcome.status === 'failed') {
        // Stopped by the signal, not failed: handed back, the next worker resumes it.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (outcome.status === 'failed') {
        s.log(`worker: ${name}: failed: ${outcome.message}`);
        if (outcome.kind === 'user') throw new UnrecoverableError(outcome.message);
        throw new Error(outcome.message);
      }
      const result: RunJobResult = {
        metrics: outcome.metrics,
        weightsSha256: weightsChecksum(join(d.out, 'runs', name)),
        worker: me,
        trainSeconds: outcome.trainSeconds,
        evalSeconds: outcome.evalSeconds,
        resumedFrom: outcome.resumedFrom,
        reused: outcome.reused,
      };
      s.log(`worker: ${name}: done${outcome.reused ? ' (already evaluated)' : ` in ${(outcome.trainSeconds + outcome.evalSeconds).toFixed(1)} s`}`);
      return result;
    } finally {
      stops.delete(job.id!);
    }
  };

  const lockMs = Math.round(s.lockSeconds * 1000);
  const worker = new Worker<RunJobData, RunJobResult>(QUEUE_NAME, processor, {
    connection: q.connection,
    concurrency: s.concurrency,
    name: me,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: MAX_STALLS,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (e) => {
    // ioredis repeats a connection error on every reconnection attempt: say it once.
    if (e.message !== lastError) s.log(`worker: queue: ${e.message.split('\n')[0]}`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    if (lastError) s.log('worker: queue: connected again');
    lastError = '';
  });
  worker.on('lockRenewalFailed', (ids: string[]) => {
    for (const id of ids) {
      s.log(`worker: lost the hold on ${id}; stopping its run (another worker takes it over)`);
      stops.get(id)?.abort();
    }
  });

  const stopped = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
      stopping = true;
      s.log(`worker: ${signal}: handing ${stops.size} run(s) back to the queue (a second ${signal} exits at once)`);
      for (const stop of stops.values()) stop.abort();
      const status = signal === 'SIGINT' ? 130 : 143;
      // close() waits for Redis; without Redis the runs cannot be handed back, and the stalled
      // check recovers them instead.
      const giveUp = setTimeout(() => {
        s.log(`worker: Redis did not answer within ${CLOSE_SECONDS} s; exiting (the runs go back to the queue when their holds lapse)`);
        process.exit(status);
      }, CLOSE_SECONDS * 1000);
      worker.close().then(() => {
        clearTimeout(giveUp);
        resolve(status);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  s.log(`worker ${me}: serving ${q.address.shown} (concurrency ${s.concurrency}, ${s.threads} thread(s) per run; Redis persistence: ${q.persistence})`);
  worker.run().catch((e: unknown) => s.log(`worker: queue: ${(e as Error).message}`));
  return stopped;
}
