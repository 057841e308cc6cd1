/**
 * What `genlab eval` compares: an image (or point) set named by a run directory, a
 * `pretrained:` model, a fitted-distribution directory, a `folder:` of images, or a data
 * source split (`mnist:test`, `toy:eight-gaussians`). Generated sets come from the model's
 * default sampler (EMA weights), drawn in batches with a fixed seed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../util/rng.js';
import { loadSource, type Dataset } from '../data/index.js';
import { loadRun, type LoadRunOptions } from '../train/load_run.js';
import { isFitDir, loadFitDir, densityOf } from '../models/fitted/fit.js';

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

export async function loadSampleSet(
  spec: string,
  n: number,
  seed: number,
  onProgress?: (done: number) => void,
  configure?: (run: Awaited<ReturnType<typeof loadRun>>) => void,
  weights: LoadRunOptions = {},
): Promise<SampleSet> {
  if (!spec.startsWith('pretrained:') && existsSync(spec) && (await isFitDir(spec))) {
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
    const batch = run.data.kind === 'images' ? 250 : n;
    for (let i = 0; i < n; i += batch) {
      const b = Math.min(batch, n - i);
      const s = run.model.sample(b, rng);
      values.set(s.dataSync() as Float32Array, i * per);
      s.dispose();
      onProgress?.(i + b);
    }
    run.model.dispose();
    return { kind: run.data.kind, n, values, shape: run.data.shape, source: run.config.training.data };
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
