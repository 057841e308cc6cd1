/**
 * The 'classifier' family: a small CNN trained with cross-entropy. Its penultimate layer is
 * genlab's feature space for FID, KID and precision/recall (Inception weights cannot be
 * fetched here, and MNIST-like domains are better served by a network trained on them).
 *   x [B, H, W, C] -> conv3x3(c1) ReLU -> conv3x3(c2, s2) ReLU -> conv3x3(c2) ReLU -> conv3x3(c3, s2) ReLU
 *   -> flatten -> dense(features) ReLU [the features] -> dropout -> dense(classes)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelFamily, TrainableModel, DataShape, Batch, StepContext } from '../../train/types.js';
import { Module, Conv2d, Dense, dropout } from '../../nn/index.js';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { unitToSymmetric } from '../../math/scaling.js';
import { classifierConfigSchema, type ClassifierConfig } from './config.js';

export type { ClassifierConfig } from './config.js';

export class ConvClassifier extends Module {
  private c1: Conv2d;
  private c2: Conv2d;
  private c3: Conv2d;
  private c4: Conv2d;
  private fc: Dense;
  private out: Dense;
  constructor(rng: Rng, readonly cfg: ClassifierConfig, readonly data: DataShape) {
    super();
    const [h, w, c] = data.shape;
    const [a, b, d] = cfg.channels;
    this.c1 = this.child('c1', new Conv2d(rng, c, a, 3, { padding: 1 }));
    this.c2 = this.child('c2', new Conv2d(rng, a, b, 3, { stride: 2, padding: 1 }));
    this.c3 = this.child('c3', new Conv2d(rng, b, b, 3, { padding: 1 }));
    this.c4 = this.child('c4', new Conv2d(rng, b, d, 3, { stride: 2, padding: 1 }));
    const fh = Math.ceil(Math.ceil(h / 2) / 2);
    const fw = Math.ceil(Math.ceil(w / 2) / 2);
    this.fc = this.child('fc', new Dense(rng, fh * fw * d, cfg.features));
    this.out = this.child('out', new Dense(rng, cfg.features, cfg.numClasses));
  }
  /** x in [0, 1]: [B, H, W, C] -> features [B, F]. */
  features(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      let h = tf.relu(this.c1.apply(unitToSymmetric(x))); // [B, H, W, C] in [-1, 1]
      h = tf.relu(this.c2.apply(h));
      h = tf.relu(this.c3.apply(h));
      h = tf.relu(this.c4.apply(h)); // [B, H/4, W/4, c3]
      return tf.relu(this.fc.apply(tf.reshape(h, [h.shape[0], -1]))) as tf.Tensor2D;
    });
  }
  logits(x: tf.Tensor, rng: Rng | null = null): tf.Tensor2D {
    return tf.tidy(() => {
      let f: tf.Tensor = this.features(x);
      if (rng) f = dropout(f, this.cfg.dropout, rng, this.training);
      return this.out.apply(f) as tf.Tensor2D;
    });
  }
}

/** Shifts each image by a random whole-pixel offset in [-s, s]^2 with zero fill. */
function randomShift(x: tf.Tensor, s: number, rng: Rng): tf.Tensor {
  if (s <= 0) return tf.clone(x);
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const padded = tf.pad(x, [[0, 0], [s, s], [s, s], [0, 0]]);
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < b; i++) {
      const dy = rng.int(2 * s + 1);
      const dx = rng.int(2 * s + 1);
      rows.push(tf.slice(padded, [i, dy, dx, 0], [1, h, w, c]));
    }
    return tf.concat(rows, 0);
  });
}

export class ClassifierModel implements TrainableModel {
  readonly net: ConvClassifier;
  constructor(readonly config: ClassifierConfig, readonly data: DataShape, rng: Rng) {
    if (data.kind !== 'images') throw new UserError('classifier: needs image data');
    this.net = new ConvClassifier(rng, config, data);
  }
  namedVariables() {
    return this.net.namedVariables();
  }
  paramGroups() {
    return { model: this.net.parameters() };
  }
  emaGroups() {
    return [];
  }
  setTraining(on: boolean) {
    this.net.train(on);
  }
  trainStep(batch: Batch, ctx: StepContext) {
    if (!batch.y) throw new UserError('classifier: the data source has no labels');
    const x = randomShift(batch.x, this.config.shiftPixels, ctx.rng);
    const y = tf.oneHot(batch.y, this.config.numClasses);
    let acc = 0;
    const r = ctx.optimize(
      'model',
      () => {
        const logits = this.net.logits(x, ctx.rng);
        // cross-entropy: -sum_k y_k log softmax(logits)_k, averaged over the batch
        const loss = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y!), 'float32')).dataSync()[0]);
        return loss;
      },
    );
    tf.dispose([x, y]);
    return { loss: r.loss, acc };
  }
  /** No generative sampler: the periodic picture shows a batch of training inputs' class means is not meaningful, so an empty grid. */
  sample(n: number): tf.Tensor {
    return tf.zeros([n, ...this.data.shape]);
  }
  /** Class probabilities [B, K] for images in [0, 1]. */
  predict(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.net.logits(x)));
  }
  dispose() {
    this.net.dispose();
  }
}

export const classifierFamily: ModelFamily<ClassifierConfig> = {
  name: 'classifier',
  summary: 'a small CNN classifier; its penultimate layer is the feature space of genlab eval',
  schema: classifierConfigSchema,
  defaults(data, source) {
    // Enough passes for the shipped accuracies: mnist (and mnist-m, its digits in colour) has 8,000 training digits, fashion-mnist 60,000 images.
    const base = source.replace(/:(train|test)$/, '');
    const fashion = base === 'fashion-mnist';
    const epochs = base === 'mnist' || base === 'mnist-m' ? 20 : fashion ? 6 : 10;
    return {
      model: classifierConfigSchema.defaults({ data, source }),
      training: { epochs, batch: fashion ? 128 : 64, optimizers: { model: { kind: 'adam', lr: 1e-3 } }, schedule: { warmupSteps: 100, decay: 'cosine', minRatio: 0.02 }, sampleEvery: 0, checkpointEvery: 1000, ema: null },
    };
  },
  validate(c, where = 'config') {
    classifierConfigSchema.validate(c, where, 'modelConfig');
  },
  create: (c, d, rng) => new ClassifierModel(c, d, rng),
  dataOptions: () => ({ scaling: 'unit', binarize: 'none' }),
};
