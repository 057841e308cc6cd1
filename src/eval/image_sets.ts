/**
 * What `genlab eval` compares: an image (or point) set named by a run directory, a
 * `pretrained:` model, a fitted-distribution directory, a `folder:` of images, or a data
 * source split (`mnist:test`, `toy:eight-gaussians`). Generated sets come from the model's
 * default sampler (EMA weights), drawn in batches with a fixed seed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { loadSource, parseSpec, sourceHelp, type Dataset } from '../data/index.js';
import { fashionMnistFiles } from '../data/fashion_mnist.js';
import { toyModes, type ToyName } from '../data/toy.js';
import { loadRun, resolveRunPath, type LoadRunOptions } from '../train/load_run.js';
import { readRunConfig } from '../train/checkpoint.js';
import { runKindOf } from '../train/run_kind.js';
import { loadFitDir, densityOf } from '../models/fitted/fit.js';

export interface SampleSet {
  kind: 'images' | 'points';
  n: number;
  /** [n, H, W, C] in [0, 1], or [n, 2] */
  values: Float32Array;
  shape: number[];
  labels?: Int32Array;
  /** The data source behind it, when it is one (for mode centres, default feature network). */
  dataset?: Dataset;
  /** Run config's data source, when it is a model. */
  source?: string;
}

export function isModelSpec(spec: string): boolean {
  return spec.startsWith('pretrained:') || (existsSync(spec) && existsSync(join(spec, 'config.json')));
}

/** What a spec names, found without loading data or models (for checking options before any work). */
export interface SetInfo {
  what: 'run' | 'fit' | 'source';
  kind: 'images' | 'points';
  /** [H, W, C] or [2], when known. */
  shape?: number[];
  /** The data source behind it: a run's or fit's training data, or the spec itself. */
  source: string;
  /** A run's model family. */
  model?: string;
  /** A toy source's mixture modes are known (eight-gaussians, twenty-five-gaussians). */
  hasModes?: boolean;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Checks that `spec` names something loadSampleSet can open (a run, pretrained:NAME, a fit
 * directory, an available data source) and says what it holds; `role` starts the messages
 * (e.g. 'eval', '--ref'). Reads only small JSON files; UserError otherwise.
 */
export async function describeSampleSet(spec: string, role: string): Promise<SetInfo> {
  const where = role.startsWith('--') ? `${role} ${spec}` : `${role}: ${spec}`;
  if (spec.startsWith('pretrained:') || runKindOf(spec) === 'train') {
    const config = await readRunConfig(resolveRunPath(spec));
    const kind = config.dataShape?.kind ?? (parseSpec(config.training.data).type === 'toy' ? 'points' : 'images');
    return { what: 'run', kind, shape: config.dataShape?.shape, source: config.training.data, model: config.model };
  }
  if (runKindOf(spec) === 'fit') {
    const record = await loadFitDir(spec);
    return { what: 'fit', kind: record.dataShape.kind, shape: record.dataShape.shape, source: record.data };
  }
  let s: ReturnType<typeof parseSpec>;
  try {
    s = parseSpec(spec);
  } catch (e) {
    if (!(e instanceof UserError) || !e.message.startsWith('unknown data source')) throw e;
    if (isDir(spec)) throw new UserError(`${where}: a directory, but neither a training run (no config.json) nor a fit (no fit.json); for a folder of images write folder:${spec}`);
    throw new UserError(`${where}: not a run directory, pretrained:NAME, a fit directory or a data source (${sourceHelp})`);
  }
  const split = s.split ?? 'train';
  if (s.type === 'folder' && !isDir(s.arg)) throw new UserError(`${where}: no such directory ${s.arg}`);
  if (s.type === 'idx') {
    const comma = s.arg.lastIndexOf(',');
    for (const f of comma < 0 ? [s.arg] : [s.arg.slice(0, comma), s.arg.slice(comma + 1)]) if (!existsSync(f)) throw new UserError(`${where}: no such file ${f}`);
  }
  if (s.type === 'fashion-mnist') {
    const f = fashionMnistFiles(split).images;
    if (!existsSync(f)) throw new UserError(`${where}: ${f} not found; install it with 'apt-get install dataset-fashion-mnist'`);
  }
  if (s.type === 'toy') return { what: 'source', kind: 'points', shape: [2], source: spec, hasModes: toyModes(s.arg as ToyName) !== undefined };
  return { what: 'source', kind: 'images', shape: s.type === 'mnist' || s.type === 'fashion-mnist' ? [28, 28, 1] : undefined, source: spec };
}

export async function loadSampleSet(
  spec: string,
  n: number,
  seed: number,
  onProgress?: (done: number) => void,
  configure?: (run: Awaited<ReturnType<typeof loadRun>>) => void,
  weights: LoadRunOptions = {},
): Promise<SampleSet> {
  if (!spec.startsWith('pretrained:') && runKindOf(spec) === 'fit') {
    const record = await loadFitDir(spec);
    const values = Float32Array.from(densityOf(record.params).sample(new Rng(seed), n));
    if (record.dataShape.kind === 'images') for (let i = 0; i < values.length; i++) values[i] = Math.min(1, Math.max(0, values[i]));
    return { kind: record.dataShape.kind, n, values, shape: record.dataShape.shape, source: record.data };
  }
  if (isModelSpec(spec)) {
    const run = await loadRun(spec, weights);
    configure?.(run);
    const rng = new Rng(seed);
    const per = run.data.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n * per);
    // A class-conditional model says which class each sample was asked for (for --metric accuracy).
    const labels = run.model.sampleLabels?.(1) ? new Int32Array(n) : undefined;
    const batch = run.data.kind === 'images' ? 250 : n;
    for (let i = 0; i < n; i += batch) {
      const b = Math.min(batch, n - i);
      const s = run.model.sample(b, rng);
      values.set(s.dataSync() as Float32Array, i * per);
      s.dispose();
      labels?.set(run.model.sampleLabels!(b)!, i);
      onProgress?.(i + b);
    }
    run.model.dispose();
    return { kind: run.data.kind, n, values, shape: run.data.shape, labels, source: run.config.training.data };
  }
  const ds = await loadSource(spec);
  const take = Math.min(n, ds.n);
  if (ds.kind === 'images') {
    const per = ds.height * ds.width * ds.channels;
    return { kind: 'images', n: take, values: ds.pixels.subarray(0, take * per), shape: [ds.height, ds.width, ds.channels], labels: ds.labels?.subarray(0, take), dataset: ds, source: spec };
  }
  return { kind: 'points', n: take, values: ds.points.subarray(0, 2 * take), shape: [2], labels: ds.labels?.subarray(0, take), dataset: ds, source: spec };
}

export function tensorBatches(set: SampleSet, batch: number, f: (x: tf.Tensor, start: number) => void): void {
  const per = set.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < set.n; i += batch) {
    const b = Math.min(batch, set.n - i);
    const x = tf.tensor(set.values.subarray(i * per, (i + b) * per), [b, ...set.shape]);
    f(x, i);
    x.dispose();
  }
}
