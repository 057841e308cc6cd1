/**
 * The training loop every model family shares (src/train/types.ts has the contract):
 * data, seeded batches, per-group optimisers with warm-up schedules and gradient clipping,
 * EMA, metrics.jsonl, periodic sample grids, atomic checkpoints, exact resume, NaN stop,
 * Ctrl-C handling and a closing report.
 */
import * as tf from '@tensorflow/tfjs-core';
import { appendFile, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { loadSource, Batcher, type Dataset } from '../data/index.js';
import type { ModelFamily, RunConfig, StepContext, TrainableModel, OptimizeResult } from './types.js';
import { makeOptimizer, type Optimizer } from './optimizers.js';
import { learningRate } from './schedule.js';
import { clipByGlobalNorm } from './clip.js';
import { Ema } from './ema.js';
import { saveCheckpoint, loadCheckpoint, readRunConfig, stepName, firstNonFinite, type TrainState } from './checkpoint.js';
import { sameModel, validateTraining, learningRateChanges, type ConfigChange, type ResumeChange } from './config.js';
import { chooseCheckpoint, checkpointAt, isLeftover, removeTempFiles, setAsideAfter, keepGoodCheckpoint, nanStopMessage } from './recover.js';
import { assignByName, saveWeights } from '../io/weights.js';
import { writeDirAtomic, writeFileAtomic } from '../io/atomic.js';
import { Progress } from './progress.js';
import { dataShapeOf } from './data_shape.js';
import { writeSamplesPicture } from './samples.js';
import { writeReport } from './report.js';

export interface TrainOptions {
  out: string;
  resume: boolean;
  backend: string;
  /** Called with each log line (default: stderr via Progress). */
  quiet?: boolean;
  /** For tests: stop after this step as if interrupted. */
  stopAfter?: number;
  /** Settings a resume may change besides the length and periods (`--allow-change`); changes go to sessions.jsonl. */
  allowChange?: readonly ResumeChange[];
  /** With resume: continue from the checkpoint of this step instead of `latest` (0: start again from step 0). */
  fromStep?: number;
}

export interface TrainResult {
  step: number;
  status: 'done' | 'interrupted' | 'nan';
  lastMetrics: Record<string, number>;
  seconds: number;
  /** The lines said about how a resume recovered the run (fallbacks, step 0, clean-up, changed settings). */
  notes: string[];
}

export class NanLossError extends Error {}

/** The model's run-level randomness: one seed splits into init, data, per-step and picture streams. */
function streams(seed: number): { init: Rng; data: Rng; step: Rng; picture: number } {
  const root = new Rng(seed);
  return { init: root.fork(), data: root.fork(), step: root.fork(), picture: root.nextUint32() };
}

interface Start {
  /** The checkpoint to continue from; null starts at step 0 (a fresh run, or a resume with no usable checkpoint). */
  ckpt: string | null;
  /** Lines about how a resume recovers the run, for the user and sessions.jsonl. */
  notes: string[];
  /** Settings the resume changes by --allow-change. */
  changes: ConfigChange[];
}

/** Checks the run directory without changing it: every refusal happens here, before anything is written. */
async function prepareOut(out: string, config: RunConfig, opts: TrainOptions): Promise<Start> {
  const { resume, allowChange: allow = [] } = opts;
  if (resume) {
    // config.json is written before the first step, so a run killed before its first
    // checkpoint still has it: such a run starts again from step 0 with it.
    if (!existsSync(join(out, 'config.json'))) throw new UserError(`--resume: ${out} has no checkpoint and no config.json (not a genlab run)`);
    const saved = await readRunConfig(out);
    const diff = sameModel(saved, config, allow);
    if (diff) throw new UserError(`--resume: ${diff} (${join(out, 'config.json')})`);
    const point = opts.fromStep !== undefined ? await checkpointAt(out, opts.fromStep) : await chooseCheckpoint(out);
    return { ckpt: point.dir, notes: point.note ? [point.note] : [], changes: learningRateChanges(saved, config) };
  }
  if (opts.fromStep !== undefined) throw new UserError('--from-step only applies with --resume');
  // A kill while config.json was written leaves only its temporary: that directory is still empty.
  if (existsSync(out) && (await readdir(out)).some((n) => !isLeftover(n))) {
    throw new UserError(`--out ${out} already exists and is not empty; pass --resume to continue it or choose another directory`);
  }
  return { ckpt: null, notes: [], changes: [] };
}

/** Before a resume's first step: no temporaries of a killed write, nothing past the step it starts from. */
async function tidyForResume(out: string, step: number): Promise<string[]> {
  const removed = await removeTempFiles(out);
  return [...(removed ? [removed] : []), ...(await setAsideAfter(out, step))];
}

export async function train(family: ModelFamily, config: RunConfig, opts: TrainOptions): Promise<TrainResult> {
  validateTraining(config.training, 'config');
  family.validate(config.modelConfig);
  const t = config.training;
  const { ckpt: ckptDir, notes, changes } = await prepareOut(opts.out, config, opts);
  const ds: Dataset = await loadSource(t.data, { split: 'train' });
  const shape = dataShapeOf(ds);
  const rngs = streams(t.seed);
  const model: TrainableModel = family.create(config.modelConfig, shape, rngs.init);
  const dataOpts = family.dataOptions(config.modelConfig);
  const batcher = new Batcher(ds, {
    batchSize: Math.min(t.batch, ds.n),
    rng: rngs.data,
    ...(ds.kind === 'images' ? { scaling: dataOpts.scaling, binarize: dataOpts.binarize } : {}),
  });
  const totalSteps = t.epochs !== null ? t.epochs * batcher.stepsPerEpoch : t.steps;

  const groups = model.paramGroups();
  const optimizers = new Map<string, Optimizer>();
  for (const g of Object.keys(groups)) {
    const oc = t.optimizers[g];
    if (!oc) throw new UserError(`config: training.optimizers has no entry for parameter group '${g}' (groups: ${Object.keys(groups).join(', ')})`);
    optimizers.set(g, makeOptimizer(oc));
  }
  const named = model.namedVariables();
  const nameOf = new Map(named.map(([n, v]) => [v, n] as const));
  const emaParams: [string, tf.Variable][] = t.ema ? model.emaGroups().flatMap((g) => groups[g].map((v) => [nameOf.get(v)!, v] as [string, tf.Variable])) : [];
  const ema = t.ema && emaParams.length ? new Ema(t.ema.decay, emaParams) : null;

  let step = 0;
  let elapsedBefore = 0;
  if (ckptDir) {
    const c = await loadCheckpoint(ckptDir);
    assignByName(named, c.variables, ckptDir);
    if (ema && c.ema) for (const [n, v] of ema.shadow) v.assign(c.ema.get(n)!);
    for (const [g, opt] of optimizers) {
      const slots = new Map<string, tf.Tensor>();
      for (const [k, v] of c.optimizer) if (k.startsWith(`${g}/`)) slots.set(k.slice(g.length + 1), v);
      opt.load({ step: c.state.optimizerSteps[g] ?? 0, slots }, groups[g]);
    }
    batcher.restore(c.state.batcher);
    rngs.step = new Rng(c.state.rng);
    step = c.state.step;
    elapsedBefore = c.state.elapsedSeconds;
    tf.dispose([...c.variables.values(), ...(c.ema ? [...c.ema.values()] : []), ...c.optimizer.values()]);
  } else {
    await mkdir(opts.out, { recursive: true });
  }
  if (opts.resume) notes.push(...(await tidyForResume(opts.out, step)));
  else notes.push(...[await removeTempFiles(opts.out)].filter((n) => n !== null));
  const changed = changes.map((c) => ({ ...c, step }));
  for (const c of changed) notes.push(`changing ${c.key} from ${c.from} to ${c.to} at step ${c.step} (--allow-change lr; recorded in sessions.jsonl)`);
  config.dataShape = shape;
  // A run given in epochs records the steps they come to, so config.json says what the run does.
  if (t.epochs !== null) t.steps = totalSteps;
  await writeFileAtomic(join(opts.out, 'config.json'), JSON.stringify(config, null, 2));
  await mkdir(join(opts.out, 'samples'), { recursive: true });

  const progress = new Progress(totalSteps, step);
  const say = (m: string) => (opts.quiet ? undefined : progress.message(m));
  const warn = (m: string) => progress.message(`warning: ${m}`);
  say(`genlab train ${config.model}: ${opts.backend}; data ${t.data} (${ds.n} ${ds.kind === 'images' ? 'images' : 'points'}); ${totalSteps} steps of ${t.batch}; ${Object.values(groups).reduce((s, g) => s + g.reduce((a, v) => a + v.size, 0), 0)} parameters; run ${opts.out}`);
  // Said even with --quiet: each is about the state of the run, not the progress of this session.
  for (const n of notes) progress.message(n);
  if (step > 0) say(`resuming at step ${step}`);

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
    if (bad) await nanStop(`step ${step}: the weights are not finite after the update (${bad})`);
    const state: TrainState = { step, rng: rngs.step.state(), batcher: batcher.state(), elapsedSeconds: elapsedBefore + (performance.now() - start) / 1000, optimizerSteps, ...('loss' in lastMetrics ? { loss: lastMetrics.loss } : {}) };
    await saveCheckpoint(opts.out, config, { variables: named, ema: ema ? [...ema.shadow.entries()] : null, optimizer: optimizerSlots, state }, t.keepCheckpoints);
  };

  // Stops the run with `latest` on the newest checkpoint whose loss and weights are finite, and a
  // message that names it (or says there is none) with the command that goes on from there.
  // `failedAt`: the step whose weights gave the non-finite value (a checkpoint of them is set aside).
  const nanStop = async (what: string, failedAt?: number): Promise<never> => {
    status = 'nan';
    progress.finish();
    throw new NanLossError(nanStopMessage(what, await keepGoodCheckpoint(opts.out, failedAt), config, opts.out));
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

  const pictureRng = () => new Rng(rngs.picture);
  const reference = ds.kind === 'points' ? ds.points.subarray(0, 2 * Math.min(ds.n, 2000)) : undefined;
  const markers = ds.kind === 'points' ? ds.modes : undefined;
  const writeSamples = async (): Promise<void> => {
    model.setTraining(false);
    const draw = () => model.sample(ds.kind === 'images' ? 64 : 1000, pictureRng());
    const s = ema ? ema.withShadow(draw) : draw();
    model.setTraining(true);
    await writeSamplesPicture(join(opts.out, 'samples', `${stepName(step)}.png`), s, { reference, markers });
    if (family.onSample) await (ema ? ema.withShadowAsync(() => family.onSample!(model, { dir: opts.out, step, data: ds, warn })) : family.onSample(model, { dir: opts.out, step, data: ds, warn }));
    s.dispose();
  };

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const start = performance.now();
  const startedAt = new Date().toISOString();
  const firstStep = step;
  let lastMetrics: Record<string, number> = {};
  let status: TrainResult['status'] = 'done';
  model.setTraining(true);
  try {
    while (step < totalSteps) {
      const batch = batcher.next();
      let nonFinite: string | null = null;
      const ctx: StepContext = {
        step,
        rng: rngs.step,
        optimize: (group, lossFn, aux) => optimizeGroup(group, lossFn, aux),
        warn,
      };
      const optimizeGroup = (group: string, lossFn: () => tf.Scalar, aux?: () => Record<string, tf.Scalar>): OptimizeResult & { aux: Record<string, number> } => {
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
          nonFinite ??= !Number.isFinite(loss) ? `${group} loss is ${loss}` : `${group} gradient norm is ${clipped.norm}`;
        } else {
          opt.apply(vars, clipped.grads, learningRate(step, totalSteps, opt.config.lr, t.schedule));
        }
        tf.dispose(clipped.grads);
        return { loss, gradNorm: clipped.norm, aux: auxValues };
      };
      const metrics = model.trainStep(batch, ctx);
      tf.dispose([batch.x, ...(batch.y ? [batch.y] : [])]);
      const bad = Object.entries(metrics).find(([k, v]) => (k === 'loss' || k.endsWith('_loss')) && !Number.isFinite(v));
      if (bad || nonFinite) await nanStop(`step ${step + 1}: ${bad ? `${bad[0]} is ${bad[1]}` : nonFinite}`, step);
      step += 1;
      if (ema) ema.update(step);
      lastMetrics = metrics;
      const logNow = t.logEvery > 0 && (step % t.logEvery === 0 || step === totalSteps);
      if (logNow) {
        await appendFile(join(opts.out, 'metrics.jsonl'), JSON.stringify({ step, time: +((performance.now() - start) / 1000 + elapsedBefore).toFixed(3), ...lrColumns(step - 1), ...metrics }) + '\n');
      }
      if (!opts.quiet) progress.update(step, metrics, logNow);
      if (t.sampleEvery > 0 && step % t.sampleEvery === 0) await writeSamples();
      const stopNow = interrupted || (opts.stopAfter !== undefined && step >= opts.stopAfter);
      if ((t.checkpointEvery > 0 && step % t.checkpointEvery === 0) || stopNow) await checkpoint();
      if (stopNow) {
        status = 'interrupted';
        break;
      }
    }
    if (status === 'done') {
      if (t.checkpointEvery === 0 || step % t.checkpointEvery !== 0) await checkpoint();
      if (t.sampleEvery > 0 && step % t.sampleEvery !== 0) await writeSamples();
      await exportModel(opts.out, config, named, ema);
    }
  } finally {
    // One line per invocation of train (a resumed run has several): where the time went.
    const session = { started: startedAt, backend: opts.backend, fromStep: firstStep, toStep: step, seconds: +((performance.now() - start) / 1000).toFixed(3), status: status === 'done' && step < totalSteps ? 'error' : status, ...(changed.length ? { changes: changed } : {}), ...(notes.length ? { notes } : {}) };
    await appendFile(join(opts.out, 'sessions.jsonl'), JSON.stringify(session) + '\n').catch(() => undefined);
    process.off('SIGINT', onSigint);
    progress.finish();
    ema?.dispose();
    for (const o of optimizers.values()) o.dispose();
    model.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  const report = status === 'done' ? await writeReport(opts.out, family).catch((e: Error) => void say(`report not written: ${e.message}`)) : undefined;
  if (status === 'interrupted' && !opts.quiet) progress.message(`interrupted at step ${step}; checkpoint written; continue with --resume`);
  if (status === 'done' && !opts.quiet) progress.message(`done: ${step} steps in ${Progress.format(seconds)}; model in ${join(opts.out, 'model')}${report ? `, report ${report}` : ''}`);
  return { step, status, lastMetrics, seconds, notes };
}

/** RUN/model: the weights to sample with (EMA weights where kept), in the tfjs weights format. */
async function exportModel(out: string, config: RunConfig, named: [string, tf.Variable][], ema: Ema | null): Promise<void> {
  const tensors: [string, tf.Tensor][] = named.map(([n, v]) => [n, ema?.shadow.get(n) ?? v]);
  await writeDirAtomic(join(out, 'model'), (tmp) => saveWeights(tmp, 'model', tensors, config, { ema: Boolean(ema) }));
}
