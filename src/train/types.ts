/**
 * The contract between the shared training loop (src/train/loop.ts) and each model family
 * (src/models/<family>/). The loop owns optimisers, learning-rate schedules, gradient
 * clipping, EMA, checkpoints, resume, logging, sample grids and NaN stops; a model owns its
 * networks, its loss and how it samples. Every config is plain JSON.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.js';
import type { Dataset } from '../data/types.js';
import type { ConfigSchema } from '../config/schema.js';
import type { TrainingConfig } from './training_schema.js';

/** The shared settings (declared once, with their defaults, checks and flags, in training_schema.ts). */
export type { TrainingConfig, OptimizerConfig, LrScheduleConfig } from './training_schema.js';

/** A run's full config as saved to RUN/config.json. */
export interface RunConfig<M = unknown> {
  genlab: string; // version that wrote it
  model: string; // family name, e.g. "vae"
  training: TrainingConfig;
  modelConfig: M;
  /** Shape of the training data, recorded so a run can be sampled without loading its data. */
  dataShape?: DataShape;
}

/** Scalar diagnostics of one step, written to metrics.jsonl. `loss` is the one checked for NaN. */
export type StepMetrics = Record<string, number>;

export interface OptimizeResult {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/** What a model's trainStep can ask of the loop. */
export interface StepContext {
  step: number;
  /**
   * The run's per-step random stream (one stream forked from the seed, consumed step after
   * step; its state is saved in every checkpoint, so a resume continues it exactly).
   */
  rng: Rng;
  /**
   * Minimises `lossFn` over the variables of parameter group `group`: computes gradients,
   * clips, applies the group's optimiser at the scheduled learning rate. `lossFn` runs inside
   * a tidy; it may return extra named scalars in `aux`, which are read back as numbers.
   */
  optimize(group: string, lossFn: () => tf.Scalar, aux?: () => Record<string, tf.Scalar>): OptimizeResult & { aux: Record<string, number> };
  /** Prints a warning through the progress display (e.g. a GAN's discriminator winning outright). */
  warn?(message: string): void;
}

export interface Batch {
  x: tf.Tensor; // [B, H, W, C] images or [B, 2] points
  y?: tf.Tensor1D; // int32 labels when the source has them
  /** This step's batches of the run's further named streams (training.streams), each drawn independently. */
  streams?: Record<string, Batch>;
}

/** A model instance that the loop can train, checkpoint and sample from. */
export interface TrainableModel {
  /** Every variable to checkpoint (parameters and buffers), by stable dotted name. */
  namedVariables(): [string, tf.Variable][];
  /** Parameter groups, each trained by its own optimiser: e.g. {model: [...]}, or {generator, discriminator}. */
  paramGroups(): Record<string, tf.Variable[]>;
  /** Groups whose EMA copy is used for sampling (empty for none). */
  emaGroups(): string[];
  /**
   * Non-trainable variables averaged along with the EMA groups' parameters: the batch-norm
   * running statistics of those networks, so that the averaged network is evaluated with
   * statistics that follow it rather than the live network's (timm's ModelEmaV2 averages the
   * whole state the same way). Optional: networks without such buffers have none.
   */
  emaBuffers?(): tf.Variable[];
  /** One training step on a batch; returns the step's metrics (must include `loss`). Leaves no tensors behind. */
  trainStep(batch: Batch, ctx: StepContext): StepMetrics;
  /**
   * Samples for periodic grids and `genlab sample`: images in [0, 1] as [n, H, W, C], or points [n, 2].
   * Called with the EMA weights swapped in when the run keeps an EMA.
   */
  sample(n: number, rng: Rng): tf.Tensor;
  /** The class of each of sample(n)'s samples, for a class-conditional model (null or absent otherwise). */
  sampleLabels?(n: number): number[] | null;
  /** Switch batch norm / dropout between training and evaluation behaviour. */
  setTraining(on: boolean): void;
  /**
   * State the model keeps outside its tensors (a GAN's last generator step, an image pool's
   * contents and position...), as JSON: saved in every checkpoint and handed back on resume, so
   * that a resumed run continues exactly. Optional: most models keep none.
   */
  hostState?(): unknown;
  restoreHostState?(state: unknown): void;
  dispose(): void;
}

/** Facts about the data a model is built for. */
export interface DataShape {
  kind: 'images' | 'points';
  /** [H, W, C] for images, [2] for points. */
  shape: number[];
  numClasses: number | null;
  /** The shapes of the run's further named streams (training.streams), when it has any. */
  streams?: Record<string, DataShape>;
}

/**
 * What a family may look at when choosing defaults: the model settings already chosen, as a
 * (partial) model config: a --config file's modelConfig, with the choices that bring their own
 * defaults applied (e.g. {loss: 'wgan'} for a GAN picks that paper's optimiser and critic steps).
 */
export interface DefaultsHints {
  modelConfig?: unknown;
}

/**
 * A model family: its config's declaration, how to make its default config, build it and train
 * it. It knows nothing of the command line; the CLI adapters in src/cli/families/ do.
 */
export interface ModelFamily<M = unknown> {
  name: string;
  summary: string;
  /** The model config's declaration (src/config/schema.ts): its fields' docs, checks and flags. */
  schema?: ConfigSchema<M>;
  /** Defaults of the model config for this data, and training defaults that give a useful result on it. */
  defaults(data: DataShape, source: string, hints?: DefaultsHints): { model: M; training: Partial<TrainingConfig> };
  /** Throws a one-line UserError on a bad model config (`${where}: modelConfig.KEY must be ...`); `where` defaults to 'config'. */
  validate(config: M, where?: string): void;
  /** Builds the networks with weights drawn from rng. */
  create(config: M, data: DataShape, rng: Rng): TrainableModel;
  /** Data preparation for a batch: scaling and binarisation. */
  dataOptions(config: M): { scaling: 'unit' | 'symmetric'; binarize: 'none' | 'dynamic' | 'threshold' };
  /** Extra figures at each sample period (e.g. the GAN playground); called with EMA weights in place. */
  onSample?(model: TrainableModel, info: { dir: string; step: number; data: Dataset; warn(message: string): void }): Promise<void>;
  /** HTML fragments for the run report (figures the family writes into the run directory). */
  reportSections?(runDir: string): Promise<string[]>;
  /** Likelihood metrics for `genlab eval` (e.g. ELBO/IWAE, the diffusion bound), keyed as in its JSON. */
  likelihoodMetrics?(model: TrainableModel, dataset: Dataset, opts: { k: number; n?: number; rng: Rng; metrics?: string[]; onProgress?: (done: number, total: number) => void }): Promise<Record<string, number> | object>;
}

export type { Dataset };
