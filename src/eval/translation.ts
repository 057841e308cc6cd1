/**
 * Metrics of an image-to-image translator (a CycleGAN run) on the two domains' test sets:
 *
 *   preservation_a2b = (1/n) sum_i [argmax_k p_B(k | G(a_i)) = y_i]    (label kept by the translation,
 *   preservation_b2a = (1/n) sum_i [argmax_k p_A(k | F(b_i)) = y_i]     judged by the target's classifier)
 *   cycle_l1_a = mean |F(G(a)) - a|,  cycle_l1_b = mean |G(F(b)) - b|  (per value, images in [0, 1])
 *   fid_b = FID(features_B(G(a)), features_B(b)),  fid_a = FID(features_A(F(b)), features_A(a))
 *
 * where p_A, features_A are domain A's classifier and its penultimate layer (the same network),
 * likewise for B: each target domain is judged on its own feature network.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from '../data/types.js';
import type { CycleganModel, Direction } from '../models/cyclegan/model.js';
import { Rng } from '../util/rng.js';
import { extract, type FeatureNet } from './features.js';
import { fid } from './fid.js';
import { labelAccuracy } from './label_accuracy.js';
import type { SampleSet } from './image_sets.js';

export const TRANSLATION_METRICS = ['preservation', 'cycle', 'fid'] as const;
export type TranslationMetric = (typeof TRANSLATION_METRICS)[number];

/** Images translated per batch. */
const BATCH = 250;

/** [n, H, W, C] values of a set as a SampleSet (for the feature extractor). */
function asSet(values: Float32Array, n: number, shape: number[]): SampleSet {
  return { kind: 'images', n, values, shape };
}

/** Translations and reconstructions of the first n images of `ds`, in batches: values in [0, 1]. */
export function translateSet(model: CycleganModel, ds: ImageDataset, n: number, direction: Direction): { translation: Float32Array; tShape: number[]; reconstruction: Float32Array } {
  const per = ds.height * ds.width * ds.channels;
  const target = direction === 'a2b' ? model.native.b : model.native.a;
  const tShape = [ds.height, ds.width, target];
  const translation = new Float32Array(n * ds.height * ds.width * target);
  const reconstruction = new Float32Array(n * per);
  const styles = new Rng(0); // a2b's style codes z ~ N(0, I), when the model has them: one stream for the whole set
  for (let i = 0; i < n; i += BATCH) {
    const b = Math.min(BATCH, n - i);
    const x = tf.tensor4d(ds.pixels.subarray(i * per, (i + b) * per), [b, ds.height, ds.width, ds.channels]);
    const { translation: t, reconstruction: r } = model.translate(x, direction, styles);
    translation.set(t.dataSync() as Float32Array, i * ds.height * ds.width * target);
    reconstruction.set(r.dataSync() as Float32Array, i * per);
    tf.dispose([x, t, r]);
  }
  return { translation, tShape, reconstruction };
}

/** mean |x - y| over the first `count` values. */
export function meanAbsDiff(x: Float32Array, y: Float32Array, count: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) s += Math.abs(x[i] - y[i]);
  return s / count;
}

export interface TranslationInput {
  model: CycleganModel;
  /** The test sets of domains A and B (labelled, for preservation). */
  a: ImageDataset;
  b: ImageDataset;
  /** Each domain's classifier / feature network (needed for preservation and fid). */
  netA?: FeatureNet;
  netB?: FeatureNet;
  /** Images per domain (at most the test set's). */
  n: number;
  metrics: readonly TranslationMetric[];
}

export function evaluateTranslation(input: TranslationInput): Record<string, number> {
  const { model, a, b, metrics } = input;
  const nA = Math.min(input.n, a.n);
  const nB = Math.min(input.n, b.n);
  const out: Record<string, number> = {};
  const ab = translateSet(model, a, nA, 'a2b'); // G(a): domain B images
  const ba = translateSet(model, b, nB, 'b2a'); // F(b): domain A images
  const shapeOf = (ds: ImageDataset) => [ds.height, ds.width, ds.channels];
  const wants = (m: TranslationMetric) => metrics.includes(m);
  // Features and class probabilities under each target's network, computed once each.
  const onB = input.netB && (wants('preservation') || wants('fid')) ? extract(input.netB, asSet(ab.translation, nA, ab.tShape)) : null;
  const onA = input.netA && (wants('preservation') || wants('fid')) ? extract(input.netA, asSet(ba.translation, nB, ba.tShape)) : null;
  if (wants('preservation')) {
    if (!a.labels || !b.labels) throw new Error('evaluateTranslation: preservation needs labelled test sets');
    out.preservation_a2b = labelAccuracy(onB!.probs, a.labels.subarray(0, nA), onB!.classes);
    out.preservation_b2a = labelAccuracy(onA!.probs, b.labels.subarray(0, nB), onA!.classes);
  }
  if (wants('cycle')) {
    out.cycle_l1_a = meanAbsDiff(ab.reconstruction, a.pixels, nA * a.height * a.width * a.channels);
    out.cycle_l1_b = meanAbsDiff(ba.reconstruction, b.pixels, nB * b.height * b.width * b.channels);
  }
  if (wants('fid')) {
    const realB = extract(input.netB!, asSet(b.pixels.subarray(0, nB * b.height * b.width * b.channels), nB, shapeOf(b)));
    const realA = extract(input.netA!, asSet(a.pixels.subarray(0, nA * a.height * a.width * a.channels), nA, shapeOf(a)));
    out.fid_a = fid(onA!.features, realA.features, nB, nA, onA!.dim);
    out.fid_b = fid(onB!.features, realB.features, nA, nB, onB!.dim);
  }
  out.n = Math.min(nA, nB);
  return out;
}
