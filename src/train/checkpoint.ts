/**
 * Run directory layout and checkpoints:
 *   RUN/config.json             the RunConfig
 *   RUN/metrics.jsonl           one JSON object per logged step
 *   RUN/samples/step-NNNNNNN.png
 *   RUN/checkpoints/step-NNNNNNN/{model,ema,optimizer}.{json,bin} + state.json
 *   RUN/latest                  name of the newest complete checkpoint
 *   RUN/model/                  the final weights for sampling (EMA when kept), loadable in a browser
 * A checkpoint directory is filled under a temporary name and renamed into place, and `latest`
 * is replaced by rename, so an interrupted write never leaves a broken checkpoint behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from '../io/atomic.js';
import { saveWeights, loadWeights } from '../io/weights.js';
import type { RngState } from '../util/rng.js';
import type { BatcherState } from '../data/index.js';
import type { RunConfig } from './types.js';
import { UserError } from '../util/errors.js';

export interface TrainState {
  step: number;
  rng: RngState;
  batcher: BatcherState;
  elapsedSeconds: number;
  /** Optimiser step counts per group. */
  optimizerSteps: Record<string, number>;
}

export interface CheckpointContent {
  variables: [string, tf.Tensor][];
  ema: [string, tf.Tensor][] | null;
  /** Slots named "<group>/<slot>/<index>". */
  optimizer: [string, tf.Tensor][];
  state: TrainState;
}

export const stepName = (step: number): string => `step-${String(step).padStart(7, '0')}`;

export async function saveCheckpoint(run: string, config: RunConfig, c: CheckpointContent, keep: number): Promise<string> {
  const name = stepName(c.state.step);
  const dir = join(run, 'checkpoints', name);
  await writeDirAtomic(dir, async (tmp) => {
    await saveWeights(tmp, 'model', c.variables, config);
    if (c.ema) await saveWeights(tmp, 'ema', c.ema, config);
    await saveWeights(tmp, 'optimizer', c.optimizer, null, { steps: c.state.optimizerSteps });
    await writeFileAtomic(join(tmp, 'state.json'), JSON.stringify(c.state));
  });
  await writeFileAtomic(join(run, 'latest'), `${name}\n`);
  await pruneCheckpoints(run, keep);
  return dir;
}

async function pruneCheckpoints(run: string, keep: number): Promise<void> {
  const names = (await readdir(join(run, 'checkpoints'))).filter((n) => /^step-\d+$/.test(n)).sort();
  for (const n of names.slice(0, Math.max(0, names.length - keep))) await rm(join(run, 'checkpoints', n), { recursive: true, force: true });
}

export async function latestCheckpoint(run: string): Promise<string | null> {
  const p = join(run, 'latest');
  if (!existsSync(p)) return null;
  const name = (await readFile(p, 'utf8')).trim();
  const dir = join(run, 'checkpoints', name);
  return existsSync(join(dir, 'state.json')) ? dir : null;
}

export async function loadCheckpoint(dir: string): Promise<{
  variables: Map<string, tf.Tensor>;
  ema: Map<string, tf.Tensor> | null;
  optimizer: Map<string, tf.Tensor>;
  state: TrainState;
}> {
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as TrainState;
  const variables = (await loadWeights(dir, 'model')).tensors;
  const ema = existsSync(join(dir, 'ema.json')) ? (await loadWeights(dir, 'ema')).tensors : null;
  const optimizer = (await loadWeights(dir, 'optimizer')).tensors;
  return { variables, ema, optimizer, state };
}

export async function readRunConfig(run: string): Promise<RunConfig> {
  const p = join(run, 'config.json');
  if (!existsSync(p)) throw new UserError(`${run}: not a genlab run (no config.json)`);
  try {
    return JSON.parse(await readFile(p, 'utf8')) as RunConfig;
  } catch (e) {
    throw new UserError(`${p}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}
