/**
 * Opens a trained run in Node: a run directory, a shipped `pretrained:<name>` model, or a URL,
 * with the full model family (its sample command, likelihood metrics, report sections).
 * load_run_core.ts does the loading from either kind of source.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../util/errors.js';
import { getFamily } from '../models/registry.js';
import { loadSource } from '../data/index.js';
import { dirSource } from '../io/dir_source.js';
import { isUrl, urlSource } from '../io/weights_source.js';
import { loadRunFrom, type LoadedRun as CoreLoadedRun, type LoadRunOptions } from './load_run_core.js';
import type { ModelFamily } from './types.js';

export type { LoadRunOptions } from './load_run_core.js';
export type LoadedRun = CoreLoadedRun<ModelFamily>;

/** The package's own folder of shipped models. */
export function pretrainedDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pretrained');
}

export function resolveRunPath(spec: string): string {
  if (spec.startsWith('pretrained:')) {
    const name = spec.slice('pretrained:'.length);
    const dir = join(pretrainedDir(), name);
    if (!existsSync(join(dir, 'config.json'))) throw new UserError(`${spec}: no such pretrained model (looked in ${pretrainedDir()})`);
    return dir;
  }
  if (!existsSync(spec)) throw new UserError(`${spec}: no such run directory`);
  return spec;
}

/** Rebuilds a run's model and loads its weights (see LoadRunOptions); the model is in evaluation mode. */
export async function loadRun(spec: string, opts: LoadRunOptions = {}): Promise<LoadedRun> {
  const source = isUrl(spec) ? urlSource(spec) : dirSource(resolveRunPath(spec));
  return loadRunFrom(source, { family: getFamily, data: (s) => loadSource(s, { split: 'train' }) }, opts);
}
