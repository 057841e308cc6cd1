/**
 * Training config: defaults, merging (family defaults <- config file <- CLI flags) and
 * validation with messages that name the key and what is wrong, all from its declaration
 * (training_schema.ts).
 */
import type { TrainingConfig, OptimizerConfig, RunConfig } from './types.js';
import { UserError } from '../util/errors.js';
import { isPlainObject } from '../config/schema.js';
import { trainingSchema } from './training_schema.js';

export { isPlainObject };

/** Defaults every family starts from; each family overrides what suits its data. */
export const DEFAULT_TRAINING: TrainingConfig = trainingSchema.defaults();

/** Deep merge of plain objects; arrays and scalars replace. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out as T;
}

/** Throws a one-line UserError `${where}: training.KEY must be ..., got ...` naming the first bad key. */
export function validateTraining(t: unknown, where: string): asserts t is TrainingConfig {
  trainingSchema.validate(t, where, 'training');
  // A decay to minRatio 1 x the peak is the constant rate under another name: refuse it rather
  // than train a run whose config says it decays (families' constant defaults once carried 1).
  const s = (t as TrainingConfig).schedule;
  if (s.decay !== 'constant' && s.minRatio >= 1) {
    throw new UserError(`${where}: training.schedule.decay is '${s.decay}' but training.schedule.minRatio is 1, so the rate never falls; give --lr-min below 1 (0 decays to zero)`);
  }
}

/** Fills optimiser defaults (Adam's betas and eps) so that the saved config is explicit. */
export function completeOptimizers(opts: Record<string, OptimizerConfig>): Record<string, OptimizerConfig> {
  const out: Record<string, OptimizerConfig> = {};
  for (const [g, o] of Object.entries(opts)) {
    if (o.kind === 'adam') out[g] = { beta1: 0.9, beta2: 0.999, eps: 1e-8, ...o };
    else if (o.kind === 'rmsprop') out[g] = { beta2: 0.99, eps: 1e-8, ...o };
    else out[g] = { beta1: 0, ...o };
  }
  return out;
}

/** The first place (dotted key path) where two JSON values differ, ignoring key order; null when equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d !== null) return d;
    }
    return null;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return path;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : path || '(root)';
}

/** Settings a resume may change: the run's length and its periods. */
const RESUMABLE = ['steps', 'epochs', 'logEvery', 'sampleEvery', 'checkpointEvery', 'keepCheckpoints'];

/**
 * Settings a resume changes only when asked by name (`--allow-change lr,schedule`): a lower
 * learning rate is how a run that diverged goes on; a new schedule is how a run that has been
 * at a constant rate ends with a decay (with --lr-hold set to the share already done, the rate
 * is continuous). Each is recorded in sessions.jsonl when it changes.
 */
export const RESUME_CHANGES = ['lr', 'schedule'] as const;
export type ResumeChange = (typeof RESUME_CHANGES)[number];

/** `--allow-change A,B` as names of RESUME_CHANGES; anything else is refused naming the option. */
export function parseAllowChange(spec: string): ResumeChange[] {
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new UserError(`--allow-change needs a setting to change (${RESUME_CHANGES.join(', ')})`);
  for (const n of names) {
    if (!(RESUME_CHANGES as readonly string[]).includes(n)) throw new UserError(`--allow-change: '${n}' cannot change on resume; only ${RESUME_CHANGES.join(', ')} can (and the length and periods: ${RESUMABLE.join(', ')})`);
  }
  return names as ResumeChange[];
}

/** The training settings sameModel compares: all but the length, the periods and what `allow` names. */
function comparedTraining(t: object, allow: readonly ResumeChange[]): Record<string, unknown> {
  const out: Record<string, unknown> = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(t).filter(([k]) => !RESUMABLE.includes(k)))));
  if (allow.includes('lr') && isPlainObject(out.optimizers)) for (const o of Object.values(out.optimizers)) if (isPlainObject(o)) delete o.lr;
  if (allow.includes('schedule')) delete out.schedule;
  return out;
}

/**
 * Whether `next` continues the same run as `saved` (so a resume may go on with it): null when it
 * does, else a message naming the first setting that differs. `allow` names settings that may
 * differ as well (RESUME_CHANGES).
 */
export function sameModel(saved: RunConfig, next: RunConfig, allow: readonly ResumeChange[] = []): string | null {
  if (saved.model !== next.model) return `model '${next.model}' differs from the run's '${saved.model}'`;
  const fmt = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  const get = (o: unknown, path: string): unknown => path.split(/\.|\[(\d+)\]/).filter(Boolean).reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);
  const only = `only the length and periods (${RESUMABLE.join(', ')}) may change on resume, and the learning rate and its schedule with --allow-change lr,schedule`;
  const dm = firstDifference(saved.modelConfig, next.modelConfig);
  if (dm !== null) {
    const key = `modelConfig.${dm}`;
    return `${key} is ${fmt(get(saved.modelConfig, dm))} in the run but ${fmt(get(next.modelConfig, dm))} now; ${only}`;
  }
  const dt = firstDifference(comparedTraining(saved.training, allow), comparedTraining(next.training, allow));
  if (dt !== null) {
    return `training.${dt} is ${fmt(get(saved.training, dt))} in the run but ${fmt(get(next.training, dt))} now; ${only}`;
  }
  return null;
}

export interface ConfigChange {
  key: string;
  from: unknown;
  to: unknown;
}

/** The learning rates (per optimiser group) and schedule settings that differ between the run's saved config and the resumed one. */
export function learningRateChanges(saved: RunConfig, next: RunConfig): ConfigChange[] {
  const rates = Object.entries(next.training.optimizers)
    .filter(([g, o]) => saved.training.optimizers[g] !== undefined && saved.training.optimizers[g].lr !== o.lr)
    .map(([g, o]) => ({ key: `training.optimizers.${g}.lr`, from: saved.training.optimizers[g].lr, to: o.lr }));
  const was = saved.training.schedule as Record<string, unknown>;
  const now = next.training.schedule as Record<string, unknown>;
  const schedule = [...new Set([...Object.keys(was), ...Object.keys(now)])]
    .filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]))
    .map((k) => ({ key: `training.schedule.${k}`, from: was[k] ?? null, to: now[k] ?? null }));
  return [...rates, ...schedule];
}
