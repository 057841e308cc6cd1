/** Features and class probabilities from a shipped (or user-trained) classifier, batched and leak-free. */
import * as tf from '@tensorflow/tfjs-core';
import { loadRun, type LoadedRun } from '../train/load_run.js';
import { ClassifierModel } from '../models/classifier/index.js';
import { UserError } from '../util/errors.js';
import { tensorBatches, type SampleSet } from './image_sets.js';

export interface FeatureNet {
  run: LoadedRun;
  model: ClassifierModel;
  name: string;
}

/** Default feature network for a data source: the shipped classifier of its domain. */
export function defaultFeatureNet(source: string | undefined): string {
  const base = (source ?? '').replace(/:(train|test)$/, '');
  if (base === 'mnist') return 'pretrained:classifier-mnist';
  if (base === 'fashion-mnist') return 'pretrained:classifier-fashion-mnist';
  if (base === 'mnist-m') return 'pretrained:classifier-mnist-m';
  throw new UserError(`no shipped feature network for '${source}'; pass --features RUN (a 'genlab train classifier' run on that data)`);
}

export async function loadFeatureNet(spec: string): Promise<FeatureNet> {
  const run = await loadRun(spec);
  if (!(run.model instanceof ClassifierModel)) throw new UserError(`--features ${spec}: not a classifier run`);
  return { run, model: run.model, name: spec };
}

export interface Extracted {
  features: Float32Array; // [n, F]
  dim: number;
  probs: Float32Array; // [n, K]
  classes: number;
}

export function extract(net: FeatureNet, set: SampleSet, onProgress?: (done: number) => void): Extracted {
  const want = net.run.data.shape.join('x');
  if (set.shape.join('x') !== want) throw new UserError(`images of shape ${set.shape.join('x')} do not fit the feature network ${net.name} (${want})`);
  const dim = net.model.config.features;
  const classes = net.model.config.numClasses;
  const features = new Float32Array(set.n * dim);
  const probs = new Float32Array(set.n * classes);
  tensorBatches(set, 200, (x, start) => {
    const [f, p] = tf.tidy(() => {
      const feats = net.model.net.features(x);
      return [feats, tf.softmax(net.model.net.logits(x))];
    });
    features.set(f.dataSync() as Float32Array, start * dim);
    probs.set(p.dataSync() as Float32Array, start * classes);
    tf.dispose([f, p]);
    onProgress?.(start + x.shape[0]);
  });
  return { features, dim, probs, classes };
}
