/**
 * The GAN playground's run, without the page: the run `genlab train gan --data toy:SOURCE
 * --loss LOSS --seed S --steps N` makes (the same config, the same trainCore loop, the same
 * seeded streams), stepped under the caller's control, with the playground's numbers (heat map,
 * points, arrows, mode coverage) from src/models/gan/playground_frame.ts. DOM-free, so the
 * browser test runs the same code in Node.
 *
 * The one difference from the command line's config: training.sampleEvery is 1, because the
 * loop awaits its sample hook, and that is where the page pauses, steps and draws. Periods
 * change no number (a sample hook draws from its own stream; writePlayground's z is Rng(1234)).
 */
import { loadSource, runBatcher, trainCore, type PointDataset, type RunConfig } from '../../src/index.js';
import { dataShapeOf } from '../../src/train/data_shape.js';
import { ganRunConfig, ganTrainFamily } from '../../src/models/gan/family_core.js';
import { playgroundFrame, frameCoverage } from '../../src/models/gan/playground_frame.js';
import type { GanConfig } from '../../src/models/gan/config.js';
import type { GanLoss } from '../../src/models/gan/losses.js';
import { GanModel } from '../../src/models/gan/model.js';

export interface PlaygroundSettings {
  /** A toy source name (src/data/toy.ts), e.g. 'eight-gaussians' (the ring of 8). */
  source: string;
  loss: GanLoss;
  seed: number;
  /** Length of the run; default the loss's own (2,500 steps, 5,000 for the WGANs). */
  steps?: number;
}

/** One step's losses, as metrics.jsonl has them at its logging steps (g_loss: undefined before the first generator step, e.g. steps 1-4 of a WGAN). */
export interface LossRow {
  step: number;
  d_loss: number;
  g_loss: number | undefined;
}

export type Frame = ReturnType<typeof playgroundFrame>;
export type Coverage = ReturnType<typeof frameCoverage>;

export interface PlaygroundHooks {
  /** After every step, awaited: the page pauses, yields and draws here. Return true to stop the run there. */
  afterStep?(step: number, row: LossRow, model: GanModel, totalSteps: number): Promise<boolean> | boolean;
}

export interface PlaygroundResult {
  config: RunConfig<GanConfig>;
  rows: LossRow[];
  status: 'done' | 'interrupted';
  /** Seconds in trainCore (model build and every step). */
  seconds: number;
  /** The frame and its mode coverage after the last step. */
  frame: Frame;
  coverage: Coverage;
}

/** The toy source's training points, as `genlab train` loads them (the core's loadSource). */
export async function playgroundData(source: string): Promise<PointDataset> {
  const ds = await loadSource(`toy:${source}`, { split: 'train' });
  if (ds.kind !== 'points') throw new Error(`toy:${source}: not 2-D points`);
  return ds;
}

/** The command line's config for these settings, with the page's sample period (see the header). */
export function playgroundConfig(s: PlaygroundSettings, data: PointDataset): RunConfig<GanConfig> {
  return ganRunConfig(`toy:${s.source}`, s.loss, dataShapeOf(data), { seed: s.seed, sampleEvery: 1, ...(s.steps !== undefined ? { steps: s.steps } : {}) });
}

/** The playground frame of `model` in evaluation mode, as writePlayground takes it. */
export function frameOf(model: GanModel, data: PointDataset, step: number): { frame: Frame; coverage: Coverage } {
  model.setTraining(false);
  try {
    const frame = playgroundFrame(model, data, step);
    return { frame, coverage: frameCoverage(frame, data) };
  } finally {
    model.setTraining(true);
  }
}

/** Trains the playground's GAN to the end of its steps or until afterStep says stop. */
export async function runPlayground(s: PlaygroundSettings, hooks: PlaygroundHooks = {}): Promise<PlaygroundResult> {
  const data = await playgroundData(s.source);
  const config = playgroundConfig(s, data);
  const rows: LossRow[] = [];
  let last: { frame: Frame; coverage: Coverage } | null = null;
  let stop = false;
  const r = await trainCore({
    family: ganTrainFamily,
    config,
    data: dataShapeOf(data),
    batches: runBatcher(data, ganTrainFamily, config),
    hooks: {
      onStep(step, metrics) {
        rows.push({ step, d_loss: metrics.d_loss, g_loss: metrics.g_loss });
      },
      async onSample(view) {
        if (!(view.model instanceof GanModel)) throw new Error('playground: not a GanModel');
        stop = (await hooks.afterStep?.(view.step, rows[rows.length - 1], view.model, config.training.steps)) ?? false;
        // The last frame, while the model still exists (trainCore frees it on return).
        if (stop || view.step === config.training.steps) last = frameOf(view.model, data, view.step);
      },
      shouldStop: () => stop,
    },
  });
  if (!last) throw new Error('playground: the run ended without a last frame');
  const { frame, coverage } = last as { frame: Frame; coverage: Coverage };
  return { config, rows, status: r.status, seconds: r.seconds, frame, coverage };
}
