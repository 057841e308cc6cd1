/**
 * train(): the training loop in a run directory, the Node adapter over trainCore
 * (train_core.ts, which owns the steps, optimisers, EMA and exact resume). Here: the data
 * source, the checks on --out and --resume, config.json, metrics.jsonl, sample pictures, atomic
 * checkpoints and the recovery of damaged runs (recover.ts), the NaN stop's message, Ctrl-C,
 * sessions.jsonl, the progress line and the closing report.
 */
import { appendFile, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { loadSource, type Dataset } from '../data/index.js';
import type { ModelFamily, RunConfig } from './types.js';
import { loadCheckpoint, readRunConfig, saveCheckpoint, stepName } from './checkpoint.js';
import { sameModel, learningRateChanges, type ConfigChange, type ResumeChange } from './config.js';
import { chooseCheckpoint, checkpointAt, isLeftover, removeTempFiles, setAsideAfter, keepGoodCheckpoint, nanStopMessage } from './recover.js';
import { saveWeights } from '../io/weights.js';
import { writeDirAtomic, writeFileAtomic } from '../io/atomic.js';
import { Progress } from './progress.js';
import { dataShapeOf } from './data_shape.js';
import { writeSamplesPicture } from './samples.js';
import { writeReport } from './report.js';
import { checkRunConfig, NonFiniteError, runBatcher, trainCore, type SampleView, type TrainHooks } from './train_core.js';

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
  checkRunConfig(family, config);
  const t = config.training;
  const { ckpt: ckptDir, notes, changes } = await prepareOut(opts.out, config, opts);
  const ds: Dataset = await loadSource(t.data, { split: 'train' });
  const batches = runBatcher(ds, family, config);
  // Further named streams (training.streams): a source, a batcher and a data shape each.
  const streams: Record<string, { batches: ReturnType<typeof runBatcher>; data: ReturnType<typeof dataShapeOf> }> = {};
  for (const [name, source] of Object.entries(t.streams ?? {})) {
    const sds = await loadSource(source, { split: 'train' });
    streams[name] = { batches: runBatcher(sds, family, config, name), data: dataShapeOf(sds) };
  }
  const resume = ckptDir ? { checkpoint: await loadCheckpoint(ckptDir), where: ckptDir } : undefined;

  // Set when the loop starts (onStart): from then on every invocation leaves a line in sessions.jsonl.
  // (`as`: TypeScript would otherwise take them for null forever, as only the hooks assign them.)
  let session = null as { startedAt: string; start: number; firstStep: number; totalSteps: number } | null;
  let step = 0;
  let status: TrainResult['status'] = 'done';
  let progress = null as Progress | null;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  };
  const say = (m: string) => (opts.quiet ? undefined : progress?.message(m));
  const warn = (m: string) => progress?.message(`warning: ${m}`);
  let changed: (ConfigChange & { step: number })[] = [];

  const hooks: TrainHooks = {
    async onStart(info) {
      step = info.step;
      if (!ckptDir) await mkdir(opts.out, { recursive: true });
      if (opts.resume) notes.push(...(await tidyForResume(opts.out, step)));
      else notes.push(...[await removeTempFiles(opts.out)].filter((n) => n !== null));
      changed = changes.map((c) => ({ ...c, step }));
      for (const c of changed) notes.push(`changing ${c.key} from ${c.from} to ${c.to} at step ${c.step} (--allow-change ${c.key.includes('.schedule.') ? 'schedule' : 'lr'}; recorded in sessions.jsonl)`);
      await writeFileAtomic(join(opts.out, 'config.json'), JSON.stringify(config, null, 2));
      await mkdir(join(opts.out, 'samples'), { recursive: true });
      progress = new Progress(info.totalSteps, step);
      say(`genlab train ${config.model}: ${opts.backend}; data ${t.data} (${ds.n} ${ds.kind === 'images' ? 'images' : 'points'}); ${info.totalSteps} steps of ${t.batch}; ${info.parameters} parameters; run ${opts.out}`);
      // Said even with --quiet: each is about the state of the run, not the progress of this session.
      for (const n of notes) progress.message(n);
      if (step > 0) say(`resuming at step ${step}`);
      process.on('SIGINT', onSigint);
      session = { startedAt: new Date().toISOString(), start: performance.now(), firstStep: step, totalSteps: info.totalSteps };
    },
    onLog: (row) => appendFile(join(opts.out, 'metrics.jsonl'), JSON.stringify(row) + '\n'),
    onStep(s, metrics, logged) {
      step = s;
      if (!opts.quiet) progress!.update(s, metrics, logged);
    },
    onSample: (view) => writeSamples(family, view, ds, opts.out, warn),
    onCheckpoint: async (c) => void (await saveCheckpoint(opts.out, config, c, t.keepCheckpoints)),
    shouldStop: (s) => interrupted || (opts.stopAfter !== undefined && s >= opts.stopAfter),
    onComplete: (weights, info) => writeDirAtomic(join(opts.out, 'model'), (tmp) => saveWeights(tmp, 'model', weights, config, info)),
    onWarning: warn,
  };

  let result: Awaited<ReturnType<typeof trainCore>>;
  try {
    result = await trainCore({ family, config, data: dataShapeOf(ds), batches, ...(Object.keys(streams).length ? { streams } : {}), resume, hooks });
    status = result.status;
  } catch (e) {
    if (!(e instanceof NonFiniteError)) throw e;
    // Stops the run with `latest` on the newest checkpoint whose loss and weights are finite, and
    // a message that names it (or says there is none) with the command that goes on from there.
    // `failedAt`: the step whose weights gave the non-finite value (a checkpoint of them is set aside).
    status = 'nan';
    progress?.finish();
    throw new NanLossError(nanStopMessage(e.what, await keepGoodCheckpoint(opts.out, e.failedAt), config, opts.out));
  } finally {
    if (session) {
      const s = session;
      // One line per invocation of train (a resumed run has several): where the time went.
      const line = { started: s.startedAt, backend: opts.backend, fromStep: s.firstStep, toStep: step, seconds: +((performance.now() - s.start) / 1000).toFixed(3), status: status === 'done' && step < s.totalSteps ? 'error' : status, ...(changed.length ? { changes: changed } : {}), ...(notes.length ? { notes } : {}) };
      await appendFile(join(opts.out, 'sessions.jsonl'), JSON.stringify(line) + '\n').catch(() => undefined);
      process.off('SIGINT', onSigint);
    }
    progress?.finish();
  }
  step = result.step;
  const report = status === 'done' ? await writeReport(opts.out, family).catch((e: Error) => void say(`report not written: ${e.message}`)) : undefined;
  if (status === 'interrupted' && !opts.quiet) progress!.message(`interrupted at step ${step}; checkpoint written; continue with --resume`);
  if (status === 'done' && !opts.quiet) progress!.message(`done: ${step} steps in ${Progress.format(result.seconds)}; model in ${join(opts.out, 'model')}${report ? `, report ${report}` : ''}`);
  return { step, status, lastMetrics: result.lastMetrics, seconds: result.seconds, notes };
}

/** RUN/samples/step-N.png (64 images or 1,000 points over the data), then the family's own figures, both with the sampling weights. */
async function writeSamples(family: ModelFamily, view: SampleView, ds: Dataset, out: string, warn: (m: string) => void): Promise<void> {
  const s = view.draw(ds.kind === 'images' ? 64 : 1000);
  const reference = ds.kind === 'points' ? ds.points.subarray(0, 2 * Math.min(ds.n, 2000)) : undefined;
  const markers = ds.kind === 'points' ? ds.modes : undefined;
  await writeSamplesPicture(join(out, 'samples', `${stepName(view.step)}.png`), s, { reference, markers });
  if (family.onSample) await view.withSamplingWeights(() => family.onSample!(view.model, { dir: out, step: view.step, data: ds, warn }));
  s.dispose();
}
