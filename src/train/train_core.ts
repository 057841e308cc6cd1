/**
 * The training loop every model family shares, without a file system: it takes batches, the
 * run's config and hooks (in the manner of minGPT's callbacks), and owns the rest (model,
 * per-group optimisers with warm-up schedules and gradient clipping, EMA, the seeded random
 * streams, exact resume from a checkpoint's tensors, the NaN stop). Where checkpoints, metrics
 * and sample pictures go is the hooks' business: loop.ts's train() is the Node adapter that
 * keeps them in a run directory; a page can keep them in memory or IndexedDB.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { Batcher } from '../data/batcher.js';
import type { BatcherState, Dataset } from '../data/types.js';
import type { Batch, ModelFamily, OptimizeResult, RunConfig, StepContext, StepMetrics, TrainableModel, DataShape } from './types.js';
import { makeOptimizer, type Optimizer } from './optimizers.js';
import { learningRate } from './schedule.js';
import { clipByGlobalNorm } from './clip.js';
import { Ema } from './ema.js';
import { validateTraining } from './config.js';
import { assignByName } from '../io/weights_core.js';
import { firstNonFinite, type CheckpointContent, type LoadedCheckpoint, type TrainState } from './checkpoint_core.js';

/** What the loop needs of a model family. */
export type TrainFamily<M = unknown> = Pick<ModelFamily<M>, 'validate' | 'create' | 'dataOptions'>;

/** A stream of batches whose position a checkpoint can hold (the Batcher is one). */
export interface BatchSource {
  next(): Batch;
  state(): BatcherState;
  restore(s: BatcherState): void;
  readonly stepsPerEpoch: number;
}

/** One line of metrics at a logging step: step, seconds trained, learning rates, the step's metrics. */
export type LogRow = { step: number; time: number } & Record<string, number>;

/** What a sample hook gets at a sample step. */
export interface SampleView {
  step: number;
  model: TrainableModel;
  /**
   * n samples in evaluation mode with the sampling weights (EMA where kept), from the run's
   * picture stream: every period draws the same noise, so pictures show the model changing.
   */
  draw(n: number): tf.Tensor;
  /** Runs fn with the sampling weights in place of the live ones (the model stays in training mode). */
  withSamplingWeights<T>(fn: () => Promise<T>): Promise<T>;
}

/** Called by trainCore as the run goes; every one is optional and may be async (it is awaited). */
export interface TrainHooks {
  /** Once, after the model is built and any checkpoint restored, before the first step. */
  onStart?(info: { step: number; totalSteps: number; parameters: number }): void | Promise<void>;
  /** At logging steps (every training.logEvery, and the last step). */
  onLog?(row: LogRow): void | Promise<void>;
  /** After every step, e.g. for a progress display; `logged`: the step was a logging step. */
  onStep?(step: number, metrics: StepMetrics, logged: boolean): void;
  /** At sample steps (every training.sampleEvery, and at the end). */
  onSample?(view: SampleView): void | Promise<void>;
  /** At checkpoint steps, on a stop and at the end: everything an exact resume needs (weights checked finite first). */
  onCheckpoint?(checkpoint: CheckpointContent): void | Promise<void>;
  /** Asked after every step: true stops the run there, after a checkpoint (status 'interrupted'). */
  shouldStop?(step: number): boolean;
  /** When the run completes: the weights to sample with (the EMA's where kept). */
  onComplete?(weights: [string, tf.Tensor][], info: { ema: boolean }): void | Promise<void>;
  /** A model's warning (e.g. a GAN's discriminator winning outright). */
  onWarning?(message: string): void;
}

export interface TrainInput<M = unknown> {
  family: TrainFamily<M>;
  /** The run's config; trainCore records in it the data shape and, for a run given in epochs, its steps. */
  config: RunConfig<M>;
  /** Shape of the data the model is built for. */
  data: DataShape;
  /** The batches to train on (runBatcher: the run's seeded ones); restored from the checkpoint on resume. */
  batches: BatchSource;
  /** The run's further named streams (training.streams): their batches and data shapes. */
  streams?: Record<string, { batches: BatchSource; data: DataShape }>;
  /** A checkpoint to continue from (`where`: its name in messages); trainCore disposes its tensors. */
  resume?: { checkpoint: LoadedCheckpoint; where: string };
  hooks?: TrainHooks;
}

export interface TrainCoreResult {
  step: number;
  status: 'done' | 'interrupted';
  lastMetrics: StepMetrics;
  seconds: number;
}

/** A loss or weight went NaN or infinite: the step's update was not applied, no checkpoint of it was handed out. */
export class NonFiniteError extends Error {
  /** what: e.g. "step 8: loss is NaN"; failedAt: the step whose weights gave it, when a step's loss did. */
  constructor(readonly what: string, readonly failedAt?: number) {
    super(what);
  }
}

/** The run's randomness: one seed splits into init, data, per-step and picture streams. */
function streams(seed: number): { init: Rng; data: Rng; step: Rng; picture: number } {
  const root = new Rng(seed);
  return { init: root.fork(), data: root.fork(), step: root.fork(), picture: root.nextUint32() };
}

/** Throws UserError on a bad training or model config. */
export function checkRunConfig<M>(family: TrainFamily<M>, config: RunConfig<M>): void {
  validateTraining(config.training, 'config');
  family.validate(config.modelConfig);
}

/** A 32-bit FNV-1a hash of a stream's name, so that each named stream draws its own batches. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The run's batches of `ds`: the data stream of its seed, its batch size, the family's scaling
 * and binarisation. A named further stream (training.streams) draws from its own generator,
 * seeded from the run's data stream and the name, so that streams are independent (unpaired).
 */
export function runBatcher<M>(ds: Dataset, family: TrainFamily<M>, config: RunConfig<M>, stream?: string): Batcher {
  const t = config.training;
  const dataOpts = family.dataOptions(config.modelConfig);
  const data = streams(t.seed).data;
  return new Batcher(ds, {
    batchSize: Math.min(t.batch, ds.n),
    rng: stream === undefined ? data : new Rng((data.nextUint32() ^ nameHash(stream)) >>> 0),
    ...(ds.kind === 'images' ? { scaling: dataOpts.scaling, binarize: dataOpts.binarize } : {}),
  });
}

/**
 * Trains `family`'s model on `batches` for the run's steps (or epochs), calling the hooks as it
 * goes; throws NonFiniteError at a NaN or infinite loss or weights, UserError on a bad config.
 */
export async function trainCore<M>(input: TrainInput<M>): Promise<TrainCoreResult> {
  try {
    return await run(input);
  } finally {
    if (input.resume) disposeCheckpoint(input.resume.checkpoint); // a no-op once restored; here for failures before that
  }
}

async function run<M>(input: TrainInput<M>): Promise<TrainCoreResult> {
  const { family, config, batches, resume } = input;
  const extra = Object.entries(input.streams ?? {});
  const data: DataShape = extra.length ? { ...input.data, streams: Object.fromEntries(extra.map(([k, s]) => [k, s.data])) } : input.data;
  const hooks = input.hooks ?? {};
  checkRunConfig(family, config);
  const t = config.training;
  const rngs = streams(t.seed);
  const model: TrainableModel = family.create(config.modelConfig, data, rngs.init);
  const totalSteps = t.epochs !== null ? t.epochs * batches.stepsPerEpoch : t.steps;
  const groups = model.paramGroups();
  const optimizers = new Map<string, Optimizer>();
  let ema: Ema | null = null;
  try {
    for (const g of Object.keys(groups)) {
      const oc = t.optimizers[g];
      if (!oc) throw new UserError(`config: training.optimizers has no entry for parameter group '${g}' (groups: ${Object.keys(groups).join(', ')})`);
      optimizers.set(g, makeOptimizer(oc));
    }
    const named = model.namedVariables();
    const nameOf = new Map(named.map(([n, v]) => [v, n] as const));
    const emaParams: [string, tf.Variable][] = t.ema
      ? [...model.emaGroups().flatMap((g) => groups[g]), ...(model.emaBuffers?.() ?? [])].map((v) => [nameOf.get(v)!, v] as [string, tf.Variable])
      : [];
    ema = t.ema && emaParams.length ? new Ema(t.ema.decay, emaParams) : null;

    let step = 0;
    let elapsedBefore = 0;
    if (resume) {
      const c = resume.checkpoint;
      try {
        restore(c, resume.where, named, ema, optimizers, groups);
      } finally {
        disposeCheckpoint(c);
      }
      batches.restore(c.state.batcher);
      for (const [name, s] of extra) {
        const saved = c.state.streams?.[name];
        if (!saved) throw new UserError(`${resume.where}: holds no position for data stream '${name}'`);
        s.batches.restore(saved);
      }
      if (c.state.host !== undefined) model.restoreHostState?.(c.state.host);
      rngs.step = new Rng(c.state.rng);
      step = c.state.step;
      elapsedBefore = c.state.elapsedSeconds;
    }
    config.dataShape = data;
    // A run given in epochs records the steps they come to, so its config says what the run does.
    if (t.epochs !== null) t.steps = totalSteps;
    const parameters = Object.values(groups).reduce((s, g) => s + g.reduce((a, v) => a + v.size, 0), 0);
    await hooks.onStart?.({ step, totalSteps, parameters });

    const warn = (m: string) => hooks.onWarning?.(m);
    let lastMetrics: StepMetrics = {};
    const start = performance.now();

    const checkpoint = async (): Promise<void> => {
      const optimizerSlots: [string, tf.Tensor][] = [];
      const optimizerSteps: Record<string, number> = {};
      for (const [g, opt] of optimizers) {
        const s = opt.state();
        optimizerSteps[g] = s.step;
        for (const [k, v] of s.slots) optimizerSlots.push([`${g}/${k}`, v]);
      }
      // A finite loss can still come with an update that overflowed: such weights are never checkpointed.
      const bad = firstNonFinite([...named, ...(ema ? ema.shadow.entries() : []), ...optimizerSlots]);
      if (bad) throw new NonFiniteError(`step ${step}: the weights are not finite after the update (${bad})`);
      const host = model.hostState?.();
      const state: TrainState = {
        step,
        rng: rngs.step.state(),
        batcher: batches.state(),
        ...(extra.length ? { streams: Object.fromEntries(extra.map(([k, s]) => [k, s.batches.state()])) } : {}),
        ...(host !== undefined ? { host: JSON.parse(JSON.stringify(host)) as unknown } : {}),
        elapsedSeconds: elapsedBefore + (performance.now() - start) / 1000, optimizerSteps,
        ...('loss' in lastMetrics ? { loss: lastMetrics.loss } : {}),
      };
      await hooks.onCheckpoint?.({ variables: named, ema: ema ? [...ema.shadow.entries()] : null, optimizer: optimizerSlots, state });
    };

    // `lr` is the first group's rate; other groups with a different peak get `lr_<group>`.
    const lrColumns = (s0: number): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const [g, o] of optimizers) {
        const lr = learningRate(s0, totalSteps, o.config.lr, t.schedule);
        if (!('lr' in out)) out.lr = lr;
        else if (lr !== out.lr) out[`lr_${g}`] = lr;
      }
      return out;
    };

    const sampleView = (): SampleView => ({
      step,
      model,
      draw: (n) => {
        model.setTraining(false);
        const draw = () => model.sample(n, new Rng(rngs.picture));
        try {
          return ema ? ema.withShadow(draw) : draw();
        } finally {
          model.setTraining(true);
        }
      },
      withSamplingWeights: (fn) => (ema ? ema.withShadowAsync(fn) : fn()),
    });

    const optimizeGroup = (group: string, lossFn: () => tf.Scalar, aux: (() => Record<string, tf.Scalar>) | undefined, noteNonFinite: (what: string) => void): OptimizeResult & { aux: Record<string, number> } => {
      const vars = groups[group];
      const opt = optimizers.get(group);
      if (!vars || !opt) throw new Error(`optimize: unknown parameter group '${group}' (groups: ${Object.keys(groups).join(', ')})`);
      let auxValues: Record<string, number> = {};
      const { value, grads } = tf.variableGrads(() => {
        const loss = lossFn();
        if (aux) {
          const a = aux();
          auxValues = Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.dataSync()[0]]));
        }
        return loss;
      }, vars);
      const list = vars.map((v) => grads[v.name]);
      const loss = value.dataSync()[0];
      value.dispose();
      const clipped = clipByGlobalNorm(list, t.clipGradNorm);
      if (!Number.isFinite(loss) || !Number.isFinite(clipped.norm)) {
        // Never apply a non-finite update: the weights stay as they were before this step.
        noteNonFinite(!Number.isFinite(loss) ? `${group} loss is ${loss}` : `${group} gradient norm is ${clipped.norm}`);
      } else {
        opt.apply(vars, clipped.grads, learningRate(step, totalSteps, opt.config.lr, t.schedule));
      }
      tf.dispose(clipped.grads);
      return { loss, gradNorm: clipped.norm, aux: auxValues };
    };

    let status: TrainCoreResult['status'] = 'done';
    model.setTraining(true);
    while (step < totalSteps) {
      const batch = batches.next();
      if (extra.length) batch.streams = Object.fromEntries(extra.map(([k, s]) => [k, s.batches.next()]));
      let nonFinite: string | null = null;
      const ctx: StepContext = {
        step,
        rng: rngs.step,
        optimize: (group, lossFn, aux) => optimizeGroup(group, lossFn, aux, (what) => (nonFinite ??= what)),
        warn,
      };
      const metrics = model.trainStep(batch, ctx);
      for (const b of [batch, ...Object.values(batch.streams ?? {})]) tf.dispose([b.x, ...(b.y ? [b.y] : [])]);
      const bad = Object.entries(metrics).find(([k, v]) => (k === 'loss' || k.endsWith('_loss')) && !Number.isFinite(v));
      if (bad || nonFinite) throw new NonFiniteError(`step ${step + 1}: ${bad ? `${bad[0]} is ${bad[1]}` : nonFinite}`, step);
      step += 1;
      if (ema) ema.update(step);
      lastMetrics = metrics;
      const logNow = t.logEvery > 0 && (step % t.logEvery === 0 || step === totalSteps);
      if (logNow) await hooks.onLog?.({ step, time: +((performance.now() - start) / 1000 + elapsedBefore).toFixed(3), ...lrColumns(step - 1), ...metrics });
      hooks.onStep?.(step, metrics, logNow);
      if (t.sampleEvery > 0 && step % t.sampleEvery === 0) await hooks.onSample?.(sampleView());
      const stopNow = hooks.shouldStop?.(step) ?? false;
      if ((t.checkpointEvery > 0 && step % t.checkpointEvery === 0) || stopNow) await checkpoint();
      if (stopNow) {
        status = 'interrupted';
        break;
      }
    }
    if (status === 'done') {
      if (t.checkpointEvery === 0 || step % t.checkpointEvery !== 0) await checkpoint();
      if (t.sampleEvery > 0 && step % t.sampleEvery !== 0) await hooks.onSample?.(sampleView());
      const weights: [string, tf.Tensor][] = named.map(([n, v]) => [n, ema?.shadow.get(n) ?? v]);
      await hooks.onComplete?.(weights, { ema: Boolean(ema) });
    }
    return { step, status, lastMetrics, seconds: (performance.now() - start) / 1000 };
  } finally {
    ema?.dispose();
    for (const o of optimizers.values()) o.dispose();
    model.dispose();
  }
}

function restore(c: LoadedCheckpoint, where: string, named: [string, tf.Variable][], ema: Ema | null, optimizers: Map<string, Optimizer>, groups: Record<string, tf.Variable[]>): void {
  assignByName(named, c.variables, where);
  // A checkpoint written before a variable joined the EMA (batch-norm statistics) has none for it:
  // its average starts from the live value, as a new run's does.
  if (ema && c.ema) for (const [n, v] of ema.shadow) if (c.ema.has(n)) v.assign(c.ema.get(n)!);
  for (const [g, opt] of optimizers) {
    const slots = new Map<string, tf.Tensor>();
    for (const [k, v] of c.optimizer) if (k.startsWith(`${g}/`)) slots.set(k.slice(g.length + 1), v);
    opt.load({ step: c.state.optimizerSteps[g] ?? 0, slots }, groups[g]);
  }
}

function disposeCheckpoint(c: LoadedCheckpoint): void {
  tf.dispose([...c.variables.values(), ...(c.ema ? [...c.ema.values()] : []), ...c.optimizer.values()]);
}
