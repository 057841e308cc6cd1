/**
 * A study on the job queue: each (config, seed) run of SWEEP.json is one BullMQ job, named so that
 * submitting the study again finds the same jobs instead of adding new ones.
 *
 *   study key = sha256(SWEEP.json as parsed, the absolute DIR)[:16]    one study per config and DIR
 *   job id    = KEY-RUN                                                  e.g. 3f2a...-lr=1e-3__seed0
 *
 * BullMQ ignores an add whose job id exists (waiting, running, done or failed), so a run is queued
 * once however often, and from however many hosts, the study is submitted; a result is the
 * job's return value, one per job, so nothing is counted twice (a retried or taken-over run
 * replaces its job's attempt, not adds a row). Finished jobs are kept (removeOnComplete: false).
 *
 * Run directories are DIR/runs/RUN on the worker's host, the same layout as the local sweep's.
 * DIR is meant to be on a file system every worker mounts at the same path: then a run whose
 * worker died resumes from its last checkpoint on whichever worker takes it over, and every run
 * directory ends up in one place. Without a shared DIR each host keeps the runs it trained,
 * a taken-over run restarts from step 0 on another host (training is seeded, so it reaches the
 * same weights), and the results still arrive: each job returns the metrics and a checksum of
 * the final weights. DIR/study.json records the study (its key and config) for --collect.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { formatSeconds } from '../util/progress.js';
import { expandSweep, failedRow, resultRow, type SweepConfig, type SweepRun } from '../eval/sweep.js';

/** What a worker needs to train and evaluate one run (the job's data). */
export interface RunJobData {
  study: string;
  /** The study's DIR, absolute; the run directory is DIR/runs/RUN. */
  out: string;
  model: string;
  args: string[];
  eval: string[];
  run: SweepRun;
}

/** What a worker reports back (the job's return value). */
export interface RunJobResult {
  metrics: Record<string, unknown>;
  /** sha256 over the files of RUN/model (the final weights), null when the family writes none. */
  weightsSha256: string | null;
  /** host:pid of the worker that finished the run. */
  worker: string;
  trainSeconds: number;
  evalSeconds: number;
  /** The checkpoint the finishing attempt resumed from, or null. */
  resumedFrom: string | null;
  /** eval.json was already in the run directory (nothing was trained). */
  reused: boolean;
}

export interface Study {
  key: string;
  out: string;
  config: SweepConfig;
  runs: SweepRun[];
}

export const jobIdOf = (study: string, run: SweepRun): string => `${study}-${run.name}`;

export function studyOf(config: SweepConfig, out: string): Study {
  const dir = resolve(out);
  const key = createHash('sha256').update(JSON.stringify(config)).update('\0').update(dir).digest('hex').slice(0, 16);
  return { key, out: dir, config, runs: expandSweep(config) };
}

const STUDY_FILE = 'study.json';

/**
 * Records the study in DIR/study.json, refusing a DIR that holds a different study (the runs'
 * directories would be mixed up).
 */
export async function recordStudy(s: Study, queueShown: string): Promise<void> {
  const path = join(s.out, STUDY_FILE);
  if (existsSync(path)) {
    const held = JSON.parse(readFileSync(path, 'utf8')) as { key: string };
    if (held.key === s.key) return;
    throw new UserError(`--out ${s.out}: holds another study (its ${STUDY_FILE} has a different SWEEP.json); choose another directory`);
  }
  await writeFileAtomic(path, JSON.stringify({ key: s.key, queue: queueShown, config: s.config }, null, 2) + '\n');
}

/** The study recorded in DIR/study.json (for --collect without --config). */
export function readStudy(out: string): Study {
  const path = join(out, STUDY_FILE);
  let held: { key: string; config: SweepConfig };
  try {
    held = JSON.parse(readFileSync(path, 'utf8')) as { key: string; config: SweepConfig };
  } catch {
    throw new UserError(`--out ${out}: no ${STUDY_FILE} (no study was submitted to a queue with this --out); pass --config SWEEP.json too`);
  }
  return { key: held.key, out: resolve(out), config: held.config, runs: expandSweep(held.config) };
}

export interface Submitted {
  added: number;
  /** Jobs already there, by state (waiting, active, completed, failed, ...). */
  found: Record<string, number>;
  /** Failed runs queued again (retryFailed). */
  retried: number;
}

/**
 * Queues every run that has no job yet. Failed runs stay failed (their message is the result)
 * unless `retryFailed`, which queues them again; their run directories resume as usual.
 */
export async function submitStudy(queue: Queue, s: Study, retryFailed: boolean): Promise<Submitted> {
  const found: Record<string, number> = {};
  let retried = 0;
  const toAdd: { name: string; data: RunJobData; opts: { jobId: string; attempts: number; removeOnComplete: false; removeOnFail: false } }[] = [];
  for (const run of s.runs) {
    const id = jobIdOf(s.key, run);
    const job = await queue.getJob(id);
    if (!job) {
      const data: RunJobData = { study: s.key, out: s.out, model: s.config.model, args: s.config.args, eval: s.config.eval, run };
      // attempts: a crash (not a user error, which is never retried) is tried twice more.
      toAdd.push({ name: run.name, data, opts: { jobId: id, attempts: 3, removeOnComplete: false, removeOnFail: false } });
      continue;
    }
    const state = await job.getState();
    found[state] = (found[state] ?? 0) + 1;
    if (state === 'failed' && retryFailed) {
      await job.retry('failed');
      retried++;
    }
  }
  // Another submitter may have added some of these meanwhile: BullMQ skips an existing id.
  if (toAdd.length) await queue.addBulk(toAdd);
  return { added: toAdd.length, found, retried };
}

export type RunState = 'done' | 'failed' | 'running' | 'waiting' | 'missing';

export interface RunStatus {
  run: SweepRun;
  state: RunState;
  job: Job | null;
  /** The metrics of a run done (from the job, or from DIR/runs/RUN/eval.json when Redis lost the job). */
  metrics?: Record<string, unknown>;
  error?: string;
}

/** Where every run of the study stands, in the study's order. */
export async function studyStatus(queue: Queue, s: Study): Promise<RunStatus[]> {
  // The state before the data: a job read as completed has its result in what is read after.
  const states = await Promise.all(s.runs.map((r) => queue.getJobState(jobIdOf(s.key, r))));
  const jobs = await Promise.all(s.runs.map((r) => queue.getJob(jobIdOf(s.key, r))));
  return s.runs.map((run, i) => {
    const job = jobs[i] ?? null;
    const state = states[i];
    const result = job?.returnvalue as RunJobResult | null | undefined;
    if (job && state === 'completed' && result) return { run, state: 'done', job, metrics: result.metrics };
    if (job && state === 'failed') return { run, state: 'failed', job, error: job.failedReason };
    if (job && (state === 'active' || state === 'completed')) return { run, state: 'running', job };
    if (job && state !== 'unknown') return { run, state: 'waiting', job };
    // No job: Redis lost it (restarted without its data) or it was never submitted. A run
    // finished on a shared DIR still has its metrics there.
    const evalPath = join(s.out, 'runs', run.name, 'eval.json');
    if (existsSync(evalPath)) return { run, state: 'done', job: null, metrics: JSON.parse(readFileSync(evalPath, 'utf8')) as Record<string, unknown> };
    return { run, state: 'missing', job: null };
  });
}

/** results.jsonl rows, exactly as the local sweep writes them: finished and failed runs, by run name. */
export function studyRows(statuses: RunStatus[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const s of statuses) {
    if (s.state === 'done') rows.push(resultRow(s.run, s.metrics!));
    else if (s.state === 'failed') rows.push(failedRow(s.run, s.error ?? 'failed'));
  }
  return rows.sort((a, b) => String(a.run).localeCompare(String(b.run)));
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/**
 * queue.jsonl rows: how each run went through the queue (which worker, how many attempts and
 * stalls, when it was queued, started and finished, its train and eval seconds, the weights'
 * checksum), for the record and for measuring the queue's overhead.
 */
export function queueRows(statuses: RunStatus[]): Record<string, unknown>[] {
  return statuses.map(({ run, state, job }) => {
    const r = (state === 'done' ? job?.returnvalue : undefined) as RunJobResult | undefined;
    return {
      run: run.name,
      state,
      worker: r?.worker ?? job?.processedBy ?? null,
      attempts_started: job?.attemptsStarted ?? null,
      stalls: job?.stalledCounter ?? null,
      queued_at: iso(job?.timestamp),
      started_at: iso(job?.processedOn),
      finished_at: iso(job?.finishedOn),
      train_seconds: r?.trainSeconds ?? null,
      eval_seconds: r?.evalSeconds ?? null,
      resumed_from: r?.resumedFrom ?? null,
      weights_sha256: r?.weightsSha256 ?? null,
    };
  });
}

/** done/running/waiting/failed counts as one phrase. */
export function describeCounts(statuses: RunStatus[]): string {
  const n = (st: RunState) => statuses.filter((s) => s.state === st).length;
  const parts = [`${n('done')}/${statuses.length} runs done`, `${n('running')} running`, `${n('waiting')} waiting`];
  if (n('failed')) parts.push(`${n('failed')} failed`);
  if (n('missing')) parts.push(`${n('missing')} not in the queue`);
  return parts.join(', ');
}

/**
 * Polls the study every `pollMs` until no run is waiting or running, with a line for each run
 * that starts, finishes, fails or goes back to the queue, and a summary every `heartbeatMs`.
 */
export async function followStudy(queue: Queue, s: Study, log: (m: string) => void, pollMs = 1000, heartbeatMs = 30_000): Promise<RunStatus[]> {
  const t0 = performance.now();
  let lastBeat = -Infinity;
  const before = new Map<string, { state: RunState; attempt: number }>();
  for (;;) {
    const statuses = await studyStatus(queue, s);
    for (const st of statuses) {
      const attempt = st.job?.attemptsStarted ?? 0;
      const was = before.get(st.run.name);
      before.set(st.run.name, { state: st.state, attempt });
      if (was?.state === st.state && was.attempt === attempt) continue;
      if (was === undefined && st.state !== 'running') continue; // the starting picture is the summary below
      const who = st.job?.processedBy ? ` on ${st.job.processedBy}` : '';
      // A later attempt is a run taken over (its worker died) or retried after a crash.
      const again = attempt > 1 ? ` (attempt ${attempt}; it continues from its last checkpoint)` : '';
      if (st.state === 'running') log(`sweep: ${st.run.name} running${who}${again}`);
      else if (st.state === 'done') log(`sweep: ${st.run.name} done${who}; ${describeCounts(statuses)}`);
      else if (st.state === 'failed') log(`sweep: ${st.run.name} failed: ${st.error}`);
      else if (st.state === 'waiting' && was?.state === 'running') log(`sweep: ${st.run.name} is back in the queue (its worker stopped)`);
    }
    const now = performance.now();
    if (!statuses.some((st) => st.state === 'running' || st.state === 'waiting')) return statuses;
    if (now - lastBeat >= heartbeatMs) {
      log(`sweep: ${describeCounts(statuses)}, ${formatSeconds((now - t0) / 1000)} so far`);
      lastBeat = now;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
