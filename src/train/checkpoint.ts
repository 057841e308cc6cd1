/**
 * Run directory layout and checkpoints:
 *   RUN/config.json             the RunConfig
 *   RUN/metrics.jsonl           one JSON object per logged step
 *   RUN/samples/step-NNNNNNN.png
 *   RUN/checkpoints/step-NNNNNNN/{model,ema,optimizer}.{json,bin} + state.json
 *   RUN/latest                  name of the newest complete checkpoint
 *   RUN/sessions.jsonl          one line per invocation of the loop (resumes, recoveries, lr changes)
 *   RUN/checkpoints/abandoned-step-NNNNNNN, RUN/metrics.abandoned.jsonl
 *                               what a resume from an earlier step set aside (src/train/recover.ts)
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
import { dirSource } from '../io/dir_source.js';
import type { RunConfig } from './types.js';
import { UserError } from '../util/errors.js';
import { firstNonFinite, latestCheckpointIn, latestNameIn, readRunConfigFrom, stepName, type CheckpointContent, type LoadedCheckpoint, type TrainState } from './checkpoint_core.js';

export { firstNonFinite, stepName, type CheckpointContent, type LoadedCheckpoint, type TrainState } from './checkpoint_core.js';

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

/** Checkpoint folder names (step-NNNNNNN), newest first. */
export async function checkpointNames(run: string): Promise<string[]> {
  const dir = join(run, 'checkpoints');
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((n) => /^step-\d+$/.test(n)).sort().reverse();
}

/**
 * Why the checkpoint in `dir` cannot be resumed from, or null when it can: it must load whole
 * (every file present, every size as its manifest says), have been written after a finite loss,
 * and hold only finite weights, EMA and optimiser slots.
 */
export async function checkpointProblem(dir: string): Promise<string | null> {
  if (!existsSync(dir)) return 'does not exist';
  let c: Awaited<ReturnType<typeof loadCheckpoint>>;
  try {
    c = await loadCheckpoint(dir);
  } catch (e) {
    return `is incomplete (${(e as Error).message.split('\n')[0].replaceAll(`${dir}/`, '')})`;
  }
  try {
    if (!Number.isInteger(c.state?.step)) return 'is incomplete (state.json has no step)';
    if (c.state.loss === null || (c.state.loss !== undefined && !Number.isFinite(c.state.loss))) return `was written after a non-finite loss`;
    const bad = firstNonFinite([...c.variables, ...(c.ema ?? []), ...c.optimizer]);
    return bad ? `holds non-finite weights (${bad})` : null;
  } finally {
    tf.dispose([...c.variables.values(), ...(c.ema ? [...c.ema.values()] : []), ...c.optimizer.values()]);
  }
}

/** What RUN/latest says (trimmed), or null without the file. */
export function latestName(run: string): Promise<string | null> {
  return latestNameIn(dirSource(run));
}

export async function latestCheckpoint(run: string): Promise<string | null> {
  const folder = await latestCheckpointIn(dirSource(run));
  return folder === null ? null : join(run, ...folder.split('/'));
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const statePath = join(dir, 'state.json');
  let state: TrainState;
  try {
    state = JSON.parse(await readFile(statePath, 'utf8')) as TrainState;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(`${statePath}: ${missing ? 'missing' : `not valid JSON (${(e as Error).message.split('\n')[0]})`}`);
  }
  // A damaged checkpoint may fail on its last file: what loaded before it is disposed.
  const loaded: Map<string, tf.Tensor>[] = [];
  const load = async (name: string) => {
    const t = (await loadWeights(dir, name)).tensors;
    loaded.push(t);
    return t;
  };
  try {
    const variables = await load('model');
    const ema = existsSync(join(dir, 'ema.json')) ? await load('ema') : null;
    const optimizer = await load('optimizer');
    return { variables, ema, optimizer, state };
  } catch (e) {
    tf.dispose(loaded.flatMap((m) => [...m.values()]));
    throw e;
  }
}

export function readRunConfig(run: string): Promise<RunConfig> {
  return readRunConfigFrom(dirSource(run));
}
