/**
 * Training config: defaults, merging (family defaults <- config file <- CLI flags) and
 * validation with messages that name the key and what is wrong.
 */
import type { TrainingConfig, OptimizerConfig, RunConfig } from './types.js';
import { UserError } from '../util/errors.js';

/** Defaults every family starts from; each family overrides what suits its data. */
export const DEFAULT_TRAINING: TrainingConfig = {
  data: 'mnist',
  steps: 2000,
  epochs: null,
  batch: 64,
  seed: 0,
  optimizers: { model: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } },
  schedule: { warmupSteps: 0, decay: 'constant', minRatio: 0 },
  clipGradNorm: null,
  ema: null,
  logEvery: 50,
  sampleEvery: 500,
  checkpointEvery: 500,
  keepCheckpoints: 3,
};

const TRAINING_KEYS = Object.keys(DEFAULT_TRAINING);

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; arrays and scalars replace. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out as T;
}

function fail(where: string, key: string, what: string, got: unknown): never {
  throw new UserError(`${where}: ${key} ${what}, got ${JSON.stringify(got)}`);
}

const posInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const nonNegInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

export function validateOptimizer(o: unknown, where: string, key: string): void {
  if (!isPlainObject(o)) fail(where, key, 'must be an object', o);
  for (const k of Object.keys(o)) if (!['kind', 'lr', 'beta1', 'beta2', 'eps'].includes(k)) fail(where, `${key}.${k}`, 'is not a known key (kind, lr, beta1, beta2, eps)', o[k]);
  if (!['adam', 'rmsprop', 'sgd'].includes(o.kind as string)) fail(where, `${key}.kind`, 'must be adam|rmsprop|sgd', o.kind);
  if (!(finite(o.lr) && (o.lr as number) > 0)) fail(where, `${key}.lr`, 'must be a positive number', o.lr);
  for (const b of ['beta1', 'beta2']) if (o[b] !== undefined && !(finite(o[b]) && (o[b] as number) >= 0 && (o[b] as number) < 1)) fail(where, `${key}.${b}`, 'must be in [0, 1)', o[b]);
  if (o.eps !== undefined && !(finite(o.eps) && (o.eps as number) > 0)) fail(where, `${key}.eps`, 'must be a positive number', o.eps);
}

export function validateTraining(t: unknown, where: string): asserts t is TrainingConfig {
  if (!isPlainObject(t)) fail(where, 'training', 'must be an object', t);
  for (const k of Object.keys(t)) if (!TRAINING_KEYS.includes(k)) fail(where, `training.${k}`, `is not a known key (${TRAINING_KEYS.join(', ')})`, t[k]);
  if (typeof t.data !== 'string' || !t.data) fail(where, 'training.data', 'must be a data source name', t.data);
  if (!posInt(t.steps)) fail(where, 'training.steps', 'must be a positive integer', t.steps);
  if (t.epochs !== null && !posInt(t.epochs)) fail(where, 'training.epochs', 'must be a positive integer or null', t.epochs);
  if (!posInt(t.batch)) fail(where, 'training.batch', 'must be a positive integer', t.batch);
  if (!nonNegInt(t.seed)) fail(where, 'training.seed', 'must be a non-negative integer', t.seed);
  if (!isPlainObject(t.optimizers) || Object.keys(t.optimizers).length === 0) fail(where, 'training.optimizers', 'must map parameter groups to optimizers', t.optimizers);
  for (const [g, o] of Object.entries(t.optimizers)) validateOptimizer(o, where, `training.optimizers.${g}`);
  const s = t.schedule;
  if (!isPlainObject(s)) fail(where, 'training.schedule', 'must be an object', s);
  for (const k of Object.keys(s)) if (!['warmupSteps', 'decay', 'minRatio'].includes(k)) fail(where, `training.schedule.${k}`, 'is not a known key (warmupSteps, decay, minRatio)', s[k]);
  if (!nonNegInt(s.warmupSteps)) fail(where, 'training.schedule.warmupSteps', 'must be a non-negative integer', s.warmupSteps);
  if (!['constant', 'linear', 'cosine'].includes(s.decay as string)) fail(where, 'training.schedule.decay', 'must be constant|linear|cosine', s.decay);
  if (!(finite(s.minRatio) && (s.minRatio as number) >= 0 && (s.minRatio as number) <= 1)) fail(where, 'training.schedule.minRatio', 'must be in [0, 1]', s.minRatio);
  if (t.clipGradNorm !== null && !(finite(t.clipGradNorm) && (t.clipGradNorm as number) > 0)) fail(where, 'training.clipGradNorm', 'must be a positive number or null', t.clipGradNorm);
  if (t.ema !== null) {
    if (!isPlainObject(t.ema) || !(finite(t.ema.decay) && (t.ema.decay as number) > 0 && (t.ema.decay as number) < 1)) fail(where, 'training.ema', 'must be null or {"decay": d} with 0 < d < 1', t.ema);
  }
  for (const k of ['logEvery', 'sampleEvery', 'checkpointEvery']) if (!nonNegInt(t[k])) fail(where, `training.${k}`, 'must be a non-negative integer (0 = never)', t[k]);
  if (!posInt(t.keepCheckpoints)) fail(where, 'training.keepCheckpoints', 'must be a positive integer', t.keepCheckpoints);
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
 * Settings a resume changes only when asked by name (`--allow-change lr`): a lower learning rate
 * is how a run that diverged goes on. Each is recorded in sessions.jsonl when it changes.
 */
export const RESUME_CHANGES = ['lr'] as const;
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
  const only = `only the length and periods (${RESUMABLE.join(', ')}) may change on resume, and the learning rate with --allow-change lr`;
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
  from: number;
  to: number;
}

/** The learning rates that differ between the run's saved config and the resumed one, per optimiser group. */
export function learningRateChanges(saved: RunConfig, next: RunConfig): ConfigChange[] {
  return Object.entries(next.training.optimizers)
    .filter(([g, o]) => saved.training.optimizers[g] !== undefined && saved.training.optimizers[g].lr !== o.lr)
    .map(([g, o]) => ({ key: `training.optimizers.${g}.lr`, from: saved.training.optimizers[g].lr, to: o.lr }));
}
