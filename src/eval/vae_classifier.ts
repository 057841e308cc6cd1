/**
 * A generative classifier from per-class VAEs: one Bernoulli VAE q_c/p_c per class, trained on
 * that class's (dynamically binarised) images, then Bayes' rule with the IWAE bound standing in
 * for log p(x | y = c):
 *   y_hat(x) = argmax_c  IWAE_k(x; p_c) + log p(c)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from '../data/types.js';
import { Rng } from '../util/rng.js';
import { VaeModel } from '../models/vae/model.js';
import { defaultConfig } from '../models/vae/config.js';
import { importanceBounds } from '../models/vae/bounds.js';
import { Adam } from '../train/optimizers.js';

export interface VaeClassifierOptions {
  steps: number;
  batch: number;
  latent: number;
  hidden: number[];
  k: number;
  seed: number;
  log?: (m: string) => void;
  /** Progress within a class: (phase label, done, total, unit). */
  onProgress?: (label: string, done: number, total: number, unit: string) => void;
}

function binarize(pixels: Float32Array, rng: Rng): Float32Array {
  return Float32Array.from(pixels, (p) => (rng.uniform() < p ? 1 : 0));
}

export function vaeClassify(train: ImageDataset, test: ImageDataset, opts: VaeClassifierOptions): { accuracy: number; predictions: Int32Array; seconds: number } {
  const t0 = performance.now();
  const shape = { kind: 'images' as const, shape: [train.height, train.width, train.channels], numClasses: null };
  const per = train.height * train.width * train.channels;
  const K = Math.max(...train.labels!) + 1;
  const rng = new Rng(opts.seed);
  const xTest = tf.tensor(binarize(test.pixels, rng.fork()), [test.n, train.height, train.width, train.channels]); // one binarisation for every class
  const scores = new Float64Array(test.n * K);
  for (let c = 0; c < K; c++) {
    const idx = [...train.labels!.keys()].filter((i) => train.labels![i] === c);
    const prior = Math.log(idx.length / train.n);
    const model = new VaeModel({ ...defaultConfig('vae', shape), latent: opts.latent, hidden: opts.hidden }, shape, rng.fork());
    const vars = model.paramGroups().model;
    const adam = new Adam({ kind: 'adam', lr: 1e-3 });
    for (let s = 0; s < opts.steps; s++) {
      const rows = new Float32Array(opts.batch * per);
      for (let b = 0; b < opts.batch; b++) {
        const j = idx[rng.int(idx.length)];
        rows.set(train.pixels.subarray(j * per, (j + 1) * per), b * per);
      }
      const x = tf.tensor(binarize(rows, rng), [opts.batch, ...shape.shape]);
      const eps = tf.tensor(rng.normalArray(opts.batch * opts.latent), [opts.batch, opts.latent]) as tf.Tensor2D;
      const { value, grads } = tf.variableGrads(() => model.lossTerms(x, { eps }, 1).loss, vars);
      adam.apply(vars, vars.map((v) => grads[v.name]), 1e-3);
      tf.dispose([x, eps, value, ...Object.values(grads)]);
      opts.onProgress?.(`class ${c + 1}/${K}: training its VAE`, s + 1, opts.steps, 'steps');
    }
    model.setTraining(false);
    // The bounds in chunks of whole groups of importanceBounds (so the draws are those of one call), for progress.
    const group = Math.max(1, Math.floor(2048 / opts.k));
    const chunk = group * Math.ceil(200 / group);
    const boundRng = rng.fork();
    for (let i0 = 0; i0 < test.n; i0 += chunk) {
      const b = Math.min(chunk, test.n - i0);
      const xb = tf.slice(xTest, i0, b);
      const bounds = importanceBounds(model, xb, { k: opts.k, rng: boundRng });
      xb.dispose();
      for (let i = 0; i < b; i++) scores[(i0 + i) * K + c] = bounds.iwae[i] + prior;
      opts.onProgress?.(`class ${c + 1}/${K}: IWAE bounds of the test images`, i0 + b, test.n, 'images');
    }
    adam.dispose();
    model.dispose();
    opts.log?.(`class ${c}: trained ${opts.steps} steps, bounds on ${test.n} test images (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  xTest.dispose();
  const predictions = new Int32Array(test.n);
  let correct = 0;
  for (let i = 0; i < test.n; i++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (scores[i * K + c] > scores[i * K + best]) best = c;
    predictions[i] = best;
    if (best === test.labels![i]) correct++;
  }
  return { accuracy: correct / test.n, predictions, seconds: (performance.now() - t0) / 1000 };
}
