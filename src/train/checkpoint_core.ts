/**
 * What a checkpoint holds (the loop's full state, for an exact resume), and reading a run's
 * files from any WeightsSource (a folder or a URL): config.json and the latest checkpoint.
 * Writing checkpoints into run directories is checkpoint.ts's (Node).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { RngState } from '../util/rng.js';
import type { BatcherState } from '../data/types.js';
import type { RunConfig } from './types.js';
import { UserError } from '../util/errors.js';
import { readText, type WeightsSource } from '../io/weights_source.js';

export interface TrainState {
  step: number;
  rng: RngState;
  batcher: BatcherState;
  /** Positions of the further named streams' batchers (training.streams). */
  streams?: Record<string, BatcherState>;
  /** The model's state outside tensors (TrainableModel.hostState), when it keeps any. */
  host?: unknown;
  elapsedSeconds: number;
  /** Optimiser step counts per group. */
  optimizerSteps: Record<string, number>;
  /** The loss of the step just taken (null: not finite; absent in older checkpoints and before any step). */
  loss?: number | null;
}

/** A checkpoint as the loop hands it out to be saved. */
export interface CheckpointContent {
  variables: [string, tf.Tensor][];
  ema: [string, tf.Tensor][] | null;
  /** Slots named "<group>/<slot>/<index>". */
  optimizer: [string, tf.Tensor][];
  state: TrainState;
}

/** A checkpoint as read back, to continue from (the reader owns the tensors). */
export interface LoadedCheckpoint {
  variables: Map<string, tf.Tensor>;
  ema: Map<string, tf.Tensor> | null;
  optimizer: Map<string, tf.Tensor>;
  state: TrainState;
}

export const stepName = (step: number): string => `step-${String(step).padStart(7, '0')}`;

/** The first non-finite value among `tensors` as "name[index] is value", or null when all are finite. */
export function firstNonFinite(tensors: Iterable<[string, tf.Tensor]>): string | null {
  for (const [name, t] of tensors) {
    const d = t.dataSync();
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return `${name}[${i}] is ${d[i]}`;
  }
  return null;
}

export async function readRunConfigFrom(source: WeightsSource): Promise<RunConfig> {
  if (!(await source.exists('config.json'))) throw new UserError(`${source.root}: not a genlab run (no config.json)`);
  try {
    return JSON.parse(await readText(source, 'config.json')) as RunConfig;
  } catch (e) {
    throw new UserError(`${source.where('config.json')}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

/** What RUN/latest says (trimmed), or null without the file. */
export async function latestNameIn(source: WeightsSource): Promise<string | null> {
  return (await source.exists('latest')) ? (await readText(source, 'latest')).trim() : null;
}

/** The folder ('checkpoints/step-NNNNNNN') of the checkpoint `latest` names, or null when there is none or it is gone. */
export async function latestCheckpointIn(source: WeightsSource): Promise<string | null> {
  const name = await latestNameIn(source);
  if (name === null) return null;
  const folder = `checkpoints/${name}`;
  return (await source.exists(`${folder}/state.json`)) ? folder : null;
}
