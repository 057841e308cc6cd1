/**
 * Bringing a run directory back to a state `--resume` can continue from, whatever stopped it: a
 * kill before the first checkpoint, a `latest` naming a deleted or truncated checkpoint, a NaN
 * stop, temporary files of writes a kill cut short. Nothing is deleted that holds results:
 * checkpoints and metrics rows past the step a resume restarts from (or whose weights gave a
 * NaN) are set aside under `abandoned` names (a later set-aside of the same step replaces the
 * earlier one), and each thing done is said in one line.
 */
import { appendFile, readdir, readFile, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempOwner, writeFileAtomic } from '../io/atomic.js';
import { UserError } from '../util/errors.js';
import { checkpointNames, checkpointProblem, latestName, stepName, type TrainState } from './checkpoint.js';
import type { RunConfig } from './types.js';

export interface ResumePoint {
  /** The checkpoint folder to continue from, or null to start from step 0 with the saved config. */
  dir: string | null;
  name: string | null;
  /** One line for the user when this is not simply what `latest` names (a fallback, or step 0). */
  note: string | null;
}

/**
 * The checkpoint a resume continues from: the one `latest` names when it is good (complete and
 * finite, see checkpointProblem), else the newest good one, else none (start from step 0).
 */
export async function chooseCheckpoint(run: string): Promise<ResumePoint> {
  const latest = await latestName(run);
  const names = await checkpointNames(run);
  const latestOk = latest !== null && /^step-\d+$/.test(latest);
  const passed: string[] = [];
  if (latest !== null && !latestOk) passed.push(`latest says '${latest.slice(0, 40)}', not a checkpoint name`);
  if (latest === null && names.length > 0) passed.push('there is no latest file');
  for (const name of latestOk ? [latest, ...names.filter((n) => n !== latest)] : names) {
    const dir = join(run, 'checkpoints', name);
    const why = await checkpointProblem(dir);
    if (why === null) {
      return { dir, name, note: name === latest ? null : `--resume: ${passed.join('; ')}; resuming from ${name}, the newest complete checkpoint` };
    }
    passed.push(name === latest ? `latest names ${name}, which ${why}` : `${name} ${why}`);
  }
  const why = passed.length ? `no usable checkpoint in ${run} (${passed.join('; ')})` : `${run} has no checkpoint yet`;
  return { dir: null, name: null, note: `--resume: ${why}; starting from step 0 with its saved config.json` };
}

/**
 * The checkpoint `--from-step N` names (0: none, start again from step 0 with the saved config),
 * for going back past a checkpoint that is finite but already diverging. Refused unless it is good.
 */
export async function checkpointAt(run: string, step: number): Promise<ResumePoint> {
  if (step === 0) return { dir: null, name: null, note: `--from-step 0: starting again from step 0 with the saved config.json` };
  const name = stepName(step);
  const dir = join(run, 'checkpoints', name);
  const why = await checkpointProblem(dir);
  if (why !== null) {
    const names = (await checkpointNames(run)).map((n) => String(Number(n.slice('step-'.length))));
    throw new UserError(`--from-step ${step}: ${join(run, 'checkpoints', name)} ${why} (checkpoints: ${names.length ? names.join(', ') : 'none'}; 0 starts again)`);
  }
  const latest = await latestName(run);
  return { dir, name, note: latest === name ? null : `--from-step ${step}: resuming from ${name}${latest ? ` instead of ${latest}` : ''}` };
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Whether `name` is a temporary file or folder (src/io/atomic.ts) that a killed process left: it
 * never became part of the run. Another live process's are not; this process has none in flight
 * for a run when the run starts.
 */
export function isLeftover(name: string): boolean {
  const pid = tempOwner(name);
  return pid !== null && (pid === process.pid || !isAlive(pid));
}

/** Removes the leftovers (isLeftover) in RUN, its checkpoints/ and samples/. Returns one line, or null. */
export async function removeTempFiles(run: string): Promise<string | null> {
  const removed: string[] = [];
  for (const sub of ['', 'checkpoints', 'samples']) {
    const dir = join(run, sub);
    if (!existsSync(dir)) continue;
    for (const n of await readdir(dir)) {
      if (!isLeftover(n)) continue;
      await rm(join(dir, n), { recursive: true, force: true });
      removed.push(sub ? `${sub}/${n}` : n);
    }
  }
  if (!removed.length) return null;
  return `removed ${removed.length} temporary file${removed.length > 1 ? 's' : ''} left by an interrupted run (${removed.slice(0, 3).join(', ')}${removed.length > 3 ? ', ...' : ''})`;
}

const stepOf = (name: string) => Number(name.slice('step-'.length));

/**
 * Before a resume from `step` re-runs the steps after it: checkpoints past it become
 * checkpoints/abandoned-step-N (so neither pruning nor a later fallback takes them for this
 * run's), and metrics.jsonl rows past it (or cut short by a kill) move to metrics.abandoned.jsonl,
 * so that the curves hold each step once. Returns what was done, one line each.
 */
export async function setAsideAfter(run: string, step: number): Promise<string[]> {
  const notes: string[] = [];
  const later = (await checkpointNames(run)).filter((n) => stepOf(n) > step).reverse();
  for (const n of later) {
    const to = join(run, 'checkpoints', `abandoned-${n}`);
    await rm(to, { recursive: true, force: true });
    await rename(join(run, 'checkpoints', n), to);
  }
  if (later.length) notes.push(`set aside checkpoint${later.length > 1 ? 's' : ''} after step ${step} as checkpoints/abandoned-*: ${later.join(', ')}`);
  const path = join(run, 'metrics.jsonl');
  if (existsSync(path)) {
    const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim());
    const past = (l: string) => {
      try {
        return !((JSON.parse(l) as { step: number }).step <= step);
      } catch {
        return true;
      }
    };
    const moved = lines.filter(past);
    if (moved.length) {
      // Copy first, then replace: a kill in between leaves a duplicate, never a lost row.
      await appendFile(join(run, 'metrics.abandoned.jsonl'), moved.join('\n') + '\n');
      const kept = lines.filter((l) => !past(l));
      await writeFileAtomic(path, kept.length ? kept.join('\n') + '\n' : '');
      notes.push(`moved ${moved.length} row${moved.length > 1 ? 's' : ''} of metrics.jsonl after step ${step} to metrics.abandoned.jsonl`);
    }
  }
  return notes;
}

export interface KeptCheckpoint {
  name: string;
  step: number;
  loss: number | null | undefined;
}

async function keptAt(run: string, name: string): Promise<KeptCheckpoint> {
  const state = JSON.parse(await readFile(join(run, 'checkpoints', name, 'state.json'), 'utf8')) as TrainState;
  return { name, step: state.step, loss: state.loss };
}

/** A loss known to have been computed on the weights of step `step - 1`; `failure`: the one that stopped the run. */
interface Evidence {
  step: number;
  loss: number;
  failure?: boolean;
}

/** Where a NaN-stopped run should go on from when that is not the kept checkpoint itself. */
export interface GoBack {
  /** A checkpoint's step, or 0 for starting again. */
  step: number;
  /** The first loss computed on weights descended from the kept checkpoint's: one that diverges, or the failure itself. */
  evidence: Evidence;
}

/**
 * A checkpoint's recorded loss was computed on the weights before it, so a checkpoint can look
 * fine while its own weights already explode. What tells is the first loss computed on weights
 * descended from it: the next metrics.jsonl row or checkpoint (row s was computed on the weights
 * of step s - 1), or the failure itself at `failedAt + 1`. A loss diverges when it is not finite
 * or more than 100 times the run's first known loss (training rarely climbs far above where it
 * started). Returns null when the kept checkpoint's weights are not known to diverge, else the
 * newest good checkpoint whose weights are not, or 0.
 */
async function goBackFrom(run: string, kept: KeptCheckpoint, failedAt: number, setAside: string | null): Promise<GoBack | null> {
  const evidence: Evidence[] = [{ step: failedAt + 1, loss: NaN, failure: true }];
  const path = join(run, 'metrics.jsonl');
  for (const l of existsSync(path) ? (await readFile(path, 'utf8')).split('\n') : []) {
    try {
      const row = JSON.parse(l) as { step?: number; loss?: number | null };
      if (typeof row.step === 'number' && 'loss' in row) evidence.push({ step: row.step, loss: row.loss ?? NaN });
    } catch {
      // a row cut short by a kill says nothing
    }
  }
  if (setAside) {
    const loss = (JSON.parse(await readFile(join(run, 'checkpoints', `abandoned-${setAside}`, 'state.json'), 'utf8')) as TrainState).loss;
    if (loss !== undefined) evidence.push({ step: failedAt, loss: loss ?? NaN });
  }
  const good: KeptCheckpoint[] = [];
  for (const n of await checkpointNames(run)) {
    if (n > kept.name || (await checkpointProblem(join(run, 'checkpoints', n))) !== null) continue;
    const c = await keptAt(run, n);
    good.push(c);
    if (typeof c.loss === 'number' || c.loss === null) evidence.push({ step: c.step, loss: c.loss ?? NaN });
  }
  evidence.sort((a, b) => a.step - b.step);
  const first = evidence.find((e) => Number.isFinite(e.loss))?.loss;
  const diverges = (loss: number) => !Number.isFinite(loss) || (first !== undefined && first !== 0 && Math.abs(loss) > 100 * Math.abs(first));
  const after = (step: number) => evidence.find((e) => e.step > step)!;
  const shown = after(kept.step);
  if (!diverges(shown.loss)) return null;
  const back = good.find((c) => c.step < kept.step && !diverges(after(c.step).loss));
  return { step: back?.step ?? 0, evidence: shown };
}

export interface NanStopOutcome {
  kept: KeptCheckpoint | null;
  /** The checkpoint that holds the very weights which gave the non-finite value, now checkpoints/abandoned-NAME. */
  setAside: string | null;
  /** Set when the kept checkpoint's own weights are already diverging. */
  goBack: GoBack | null;
}

/**
 * After a NaN/Inf stop caused by the weights of step `failedAt`: a checkpoint of that step holds
 * them, so, however finite they are, it is set aside (checkpoints/abandoned-step-N). Then `latest`
 * points at the newest good checkpoint (finite loss and weights), or is removed when there is
 * none: `--resume` never starts from exploded weights.
 */
export async function keepGoodCheckpoint(run: string, failedAt?: number): Promise<NanStopOutcome> {
  let setAside: string | null = null;
  if (failedAt !== undefined && failedAt > 0 && existsSync(join(run, 'checkpoints', stepName(failedAt)))) {
    setAside = stepName(failedAt);
    await rm(join(run, 'checkpoints', `abandoned-${setAside}`), { recursive: true, force: true });
    await rename(join(run, 'checkpoints', setAside), join(run, 'checkpoints', `abandoned-${setAside}`));
  }
  const p = await chooseCheckpoint(run);
  if (p.name === null || p.dir === null) {
    await rm(join(run, 'latest'), { force: true });
    return { kept: null, setAside, goBack: null };
  }
  if ((await latestName(run)) !== p.name) await writeFileAtomic(join(run, 'latest'), `${p.name}\n`);
  const kept = await keptAt(run, p.name);
  return { kept, setAside, goBack: failedAt === undefined ? null : await goBackFrom(run, kept, failedAt, setAside) };
}

/** 4 significant digits, in exponent form only where toPrecision chooses it (3.358, 4.749e+19). */
const fmt = (x: number) => {
  const s = x.toPrecision(4);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e') : String(+s);
};

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The one-line NaN/Inf stop message: what went wrong, what was set aside, which checkpoint is
 * kept (or that none is), and the command that goes on with a tenth of the learning rate.
 */
export function nanStopMessage(what: string, outcome: NanStopOutcome, config: RunConfig, out: string): string {
  const { kept, setAside, goBack } = outcome;
  const lr = Math.min(...Object.values(config.training.optimizers).map((o) => o.lr));
  const command = (from: string) => `genlab train ${config.model} --out ${shellWord(out)} --resume ${from}--lr ${+(lr / 10).toPrecision(3)} --allow-change lr`;
  const aside = setAside ? `; ${setAside} holds the weights that gave it, so it is set aside as checkpoints/abandoned-${setAside}` : '';
  if (!kept) {
    const none = setAside ? `stopped${aside}, and no earlier checkpoint is left` : 'stopped before any checkpoint with a finite loss and finite weights was written';
    return `${what}; ${none}; to start again from step 0 with a lower learning rate: ${command('')}`;
  }
  const loss = typeof kept.loss === 'number' ? `, loss ${fmt(kept.loss)}` : '';
  const head = `${what}; stopped${aside}; ${kept.name} (step ${kept.step}${loss}, finite weights) is kept as latest`;
  if (!goBack) return `${head}; to continue from it with a lower learning rate: ${command('')}`;
  const e = goBack.evidence;
  const shows = e.failure
    ? `but no loss was logged between it and step ${e.step}, so its weights may already be diverging`
    : `but the loss logged at step ${e.step} (${fmt(e.loss)}), computed on weights that descend from it, shows them diverging`;
  if (goBack.step === 0) return `${head}, ${shows}, and a diverging loss follows every older checkpoint too; to start again from step 0 with a lower learning rate: ${command('--from-step 0 ')}`;
  return `${head}, ${shows}; to go back to step ${goBack.step} with a lower learning rate: ${command(`--from-step ${goBack.step} `)}`;
}
