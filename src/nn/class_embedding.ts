/**
 * A learned embedding of class labels, with one extra "no class" id (= numClasses) for
 * classifier-free guidance (Ho & Salimans 2022): labels [B] -> [B, dim]. Looked up as a
 * one-hot product, onehot(labels) W with W [numClasses + 1, dim], so that its gradient is a
 * matrix product (a gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';
import type { Rng } from '../util/rng.js';

export class ClassEmbedding extends Module {
  readonly table: tf.Variable;
  constructor(rng: Rng, readonly numClasses: number, readonly dim: number) {
    super();
    // N(0, 1) rows, as torch.nn.Embedding initialises them.
    this.table = this.param('table', tf.tensor(rng.normalArray((numClasses + 1) * dim), [numClasses + 1, dim]));
  }

  /** The id that means "no class" (unconditional). */
  get nullId(): number {
    return this.numClasses;
  }

  apply(labels: number[]): tf.Tensor2D {
    return tf.tidy(() => {
      for (const l of labels) if (!(Number.isInteger(l) && l >= 0 && l <= this.numClasses)) throw new Error(`class label ${l} outside 0..${this.numClasses}`);
      const onehot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), this.numClasses + 1), 'float32') as tf.Tensor2D; // [B, K + 1]
      return tf.matMul(onehot, this.table as tf.Tensor2D); // [B, dim]
    });
  }
}
