/**
 * The declaration of the settings every run shares, whatever the model (RunConfig.training):
 * the type, the defaults each family starts from, validation and the `genlab train` flags come
 * from it (src/config/schema.ts). Families override the defaults that suit their data.
 */
import { int, num, oneOf, str, nullable, optional, object, record, type Infer } from '../config/schema.js';

/** An optimiser for one parameter group. Defaults are each model's paper's. */
export const optimizerSchema = object({
  kind: oneOf(['adam', 'rmsprop', 'sgd']),
  /** Peak learning rate (after warm-up); --lr sets it for every group. */
  lr: num({ gt: 0, flag: 'lr', arg: 'LR', doc: 'peak learning rate (after warm-up), of every optimiser' }),
  /** Adam: beta1 / beta2 / epsilon; RMSprop: decay (as beta2) / epsilon; SGD: momentum (as beta1). */
  beta1: optional(num({ min: 0, lt: 1 })),
  beta2: optional(num({ min: 0, lt: 1 })),
  eps: optional(num({ gt: 0 })),
});
export type OptimizerConfig = Infer<typeof optimizerSchema>;

/** Learning rate at step s: linear warm-up from 0 over `warmupSteps`, then `decay` to `minRatio` x peak at the last step. */
export const lrScheduleSchema = object({
  warmupSteps: int({ min: 0, default: 0, flag: 'warmup', doc: 'steps of linear learning-rate warm-up from 0' }),
  decay: oneOf(['constant', 'linear', 'cosine'], { default: 'constant', flag: 'lr-decay', doc: 'learning-rate decay after the warm-up, to minRatio x peak at the last step' }),
  /** Floor of the decay as a share of the peak; a decay needs it below 1 (validateTraining). */
  minRatio: num({ min: 0, max: 1, default: 0, flag: 'lr-min', doc: 'floor of the learning-rate decay, as a share of the peak (0 = decay to zero)' }),
  /**
   * Share of the steps after the warm-up held at the peak rate before the decay starts (the
   * CycleGAN paper keeps the rate for half its run, then decays it linearly to 0). Optional, so
   * runs saved before it existed load and resume unchanged (absent = 0).
   */
  holdFraction: optional(num({ min: 0, lt: 1, default: 0, flag: 'lr-hold', doc: 'share of the run after the warm-up kept at the peak rate before the decay starts' })),
});
export type LrScheduleConfig = Infer<typeof lrScheduleSchema>;

const period = (flag: string, doc: string, d: number) => int({ min: 0, default: d, flag, doc, must: 'must be a non-negative integer (0 = never)' });

export const trainingSchema = object({
  data: str({ default: 'mnist', flag: 'data', arg: 'SOURCE', must: 'must be a data source name', doc: 'training data: mnist, fashion-mnist, idx:FILE[,LABELS], folder:DIR, toy:NAME' }),
  /**
   * Further named data streams beside `data` (e.g. {"b": "mnist-m"} for CycleGAN's second
   * domain): each gets its own batcher, drawn independently of the others, and its own data
   * shape (DataShape.streams); a model finds their batches in Batch.streams. Config-file only.
   */
  streams: optional(record(str({ must: 'must be a data source name' }), { must: 'must map stream names to data source names' })),
  /** Length of the run in optimiser steps; `epochs` converts to steps when given instead. */
  steps: int({ min: 1, default: 2000, flag: 'steps', doc: 'length of the run in optimiser steps (unless --epochs decides it)' }),
  epochs: nullable(int({ min: 1 }), { default: null, flag: 'epochs', doc: 'length of the run in passes over the data, instead of --steps' }),
  batch: int({ min: 1, default: 64, flag: 'batch', doc: 'examples per step' }),
  seed: int({ min: 0, default: 0, flag: 'seed', doc: 'the seed that fixes the run (weights, batches, noise)' }),
  /** Parameter-group name -> optimiser; a model lists its groups in `paramGroups()`. */
  optimizers: record(optimizerSchema, {
    nonEmpty: true,
    must: 'must map parameter groups to optimizers',
    default: { model: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } },
  }),
  schedule: lrScheduleSchema,
  /** Clip each group's global gradient norm to this value; null for no clipping. */
  clipGradNorm: nullable(num({ gt: 0 }), { default: null, off: true, flag: 'clip', doc: "clip each group's global gradient norm to this value" }),
  /** EMA of the weights of the model's `emaGroups`; decay per step, with warm-up min(decay, (1+s)/(10+s)). */
  ema: nullable(object({ decay: num({ gt: 0, lt: 1 }) }), {
    default: null,
    off: true,
    flag: 'ema',
    arg: 'DECAY|off',
    doc: 'decay of the EMA of the weights that sampling uses',
    must: 'must be null or {"decay": d} with 0 < d < 1',
    oneMessage: true,
    fromFlag: (text) => ({ decay: Number(text) }),
    toFlag: (v) => String(v.decay),
    flagWhat: 'a decay in (0, 1)',
  }),
  /** Periods in steps (0 = never): metrics line, sample grid, checkpoint. */
  logEvery: period('log-every', 'steps between metrics lines (0 = never)', 50),
  sampleEvery: period('sample-every', 'steps between sample grids (0 = never)', 500),
  checkpointEvery: period('checkpoint-every', 'steps between checkpoints (0 = never)', 500),
  /** How many checkpoints to keep (the newest). */
  keepCheckpoints: int({ min: 1, default: 3, flag: 'keep', arg: 'K', doc: 'checkpoints kept (the newest)' }),
});

/** Settings every run shares, whatever the model. */
export type TrainingConfig = Infer<typeof trainingSchema>;
