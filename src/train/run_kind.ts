/**
 * What a directory holds: a training run (config.json, written by `genlab train`), a fitted
 * distribution (fit.json, written by `genlab fit`), neither, or, for a directory written by an
 * older genlab that let `fit` write into a training run, both; such a directory is refused by
 * the commands that read runs, since sample and eval would otherwise disagree about what it is.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';

export type RunKind = 'train' | 'fit' | null;

/** 'train', 'fit' or null (not a directory, or neither file); UserError when it holds both. */
export function runKindOf(dir: string): RunKind {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    return null;
  }
  if (!isDir) return null;
  const train = existsSync(join(dir, 'config.json'));
  const fit = existsSync(join(dir, 'fit.json'));
  if (train && fit) {
    throw new UserError(`${dir}: holds both a training run (config.json) and a fit (fit.json); move fit.json (and fit.png) to a directory of its own`);
  }
  return train ? 'train' : fit ? 'fit' : null;
}

export function describeRunKind(kind: Exclude<RunKind, null>): string {
  return kind === 'train' ? 'a training run (config.json)' : "a fitted distribution (fit.json, from 'genlab fit')";
}
