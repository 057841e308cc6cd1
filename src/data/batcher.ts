/**
 * Batcher: seeded mini-batches over a dataset, reshuffled every epoch.
 *
 * The batcher forks its own Rng from the one passed in. At the start of each epoch it draws
 * the epoch's permutation and one noise seed from that Rng; batch k's binarisation noise comes
 * from an Rng seeded by (noise seed, k). So everything is a function of (Rng state at the
 * start of the epoch, batch index), which is exactly what `state()` records:
 * `b2.restore(b1.state())` makes b2 continue b1's sequence batch for batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type RngState } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import type { BatcherState, Dataset } from './types.js';
import { unitToSymmetricInPlace } from '../math/scaling.js';

/** Value range of image batches: 'unit' keeps [0, 1], 'symmetric' maps to [-1, 1]. */
export type Scaling = 'unit' | 'symmetric';
/** 'dynamic' draws x ~ Bernoulli(p) afresh each batch; 'threshold' gives x = [p > 0.5]. */
export type Binarize = 'none' | 'dynamic' | 'threshold';

export interface BatcherOptions {
  batchSize: number;
  rng: Rng;
  /** Images only; default 'unit'. */
  scaling?: Scaling;
  /** Images only, applied before scaling; default 'none'. */
  binarize?: Binarize;
  /** Drop the last incomplete batch of each epoch, so every batch has batchSize rows; default true. */
  dropLast?: boolean;
}

export interface Batch {
  /** [B, H, W, C] images or [B, 2] points */
  x: tf.Tensor;
  /** [B] int32 labels, when the dataset has labels */
  y?: tf.Tensor1D;
}

export interface BatchArrays {
  x: Float32Array;
  shape: number[];
  y?: Int32Array;
  /** Dataset rows in this batch. */
  indices: Int32Array;
}

export class Batcher {
  readonly batchSize: number;
  readonly scaling: Scaling;
  readonly binarize: Binarize;
  readonly dropLast: boolean;
  private readonly ds: Dataset;
  private readonly rowSize: number;
  private rng: Rng;
  private epochStart: RngState;
  private perm: Int32Array = new Int32Array(0);
  private noiseSeed = 0;
  private epochCount = 0;
  private index = 0;

  constructor(ds: Dataset, opts: BatcherOptions) {
    const { batchSize } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UserError(`batch size must be a positive whole number, got ${batchSize}`);
    this.ds = ds;
    this.batchSize = batchSize;
    this.scaling = opts.scaling ?? 'unit';
    this.binarize = opts.binarize ?? 'none';
    this.dropLast = opts.dropLast ?? true;
    if (ds.kind === 'points' && (this.scaling !== 'unit' || this.binarize !== 'none')) {
      throw new UserError(`${ds.source}: scaling and binarize apply only to image data`);
    }
    if (this.dropLast && batchSize > ds.n) {
      throw new UserError(`batch size ${batchSize} is larger than the ${ds.n} samples of ${ds.source}:${ds.split}`);
    }
    this.rowSize = ds.kind === 'images' ? ds.height * ds.width * ds.channels : 2;
    this.rng = opts.rng.fork();
    this.epochStart = this.rng.state();
    this.startEpoch();
  }

  /** Number of completed epochs. */
  get epoch(): number {
    return this.epochCount;
  }

  get stepsPerEpoch(): number {
    return this.dropLast ? Math.floor(this.ds.n / this.batchSize) : Math.ceil(this.ds.n / this.batchSize);
  }

  /** Epochs completed plus the fraction of the current one. */
  get progress(): number {
    return this.epochCount + this.index / this.stepsPerEpoch;
  }

  state(): BatcherState {
    return { epoch: this.epochCount, index: this.index, rng: [...this.epochStart] as RngState };
  }

  restore(s: BatcherState): void {
    if (!Number.isInteger(s.index) || s.index < 0 || s.index >= this.stepsPerEpoch) {
      throw new UserError(`batcher state: batch index ${s.index} is outside 0..${this.stepsPerEpoch - 1}`);
    }
    this.rng = new Rng(s.rng);
    this.epochCount = s.epoch;
    this.index = s.index;
    this.startEpoch();
  }

  /** Next batch as tensors; the caller disposes them. */
  next(): Batch {
    const b = this.nextArrays();
    const x = tf.tensor(b.x, b.shape, 'float32');
    const y = b.y ? tf.tensor1d(b.y, 'int32') : undefined;
    return y ? { x, y } : { x };
  }

  /** Next batch as plain arrays (no tensor backend needed). */
  nextArrays(): BatchArrays {
    const ds = this.ds;
    const start = this.index * this.batchSize;
    const indices = this.perm.slice(start, Math.min(start + this.batchSize, ds.n));
    const B = indices.length;
    const R = this.rowSize;
    const x = new Float32Array(B * R);
    const src = ds.kind === 'images' ? ds.pixels : ds.points;
    for (let i = 0; i < B; i++) x.set(src.subarray(indices[i] * R, (indices[i] + 1) * R), i * R);
    if (this.binarize === 'dynamic') {
      // x ~ Bernoulli(p): 1 with probability p
      const noise = new Rng((this.noiseSeed ^ Math.imul(this.index + 1, 0x85ebca6b)) >>> 0);
      for (let k = 0; k < x.length; k++) x[k] = noise.uniform() < x[k] ? 1 : 0;
    } else if (this.binarize === 'threshold') {
      for (let k = 0; k < x.length; k++) x[k] = x[k] > 0.5 ? 1 : 0;
    }
    if (this.scaling === 'symmetric') unitToSymmetricInPlace(x); // x' = 2x - 1 maps [0, 1] onto [-1, 1]
    let y: Int32Array | undefined;
    if (ds.labels) {
      y = new Int32Array(B);
      for (let i = 0; i < B; i++) y[i] = ds.labels[indices[i]];
    }
    const shape = ds.kind === 'images' ? [B, ds.height, ds.width, ds.channels] : [B, 2];
    this.index++;
    if (this.index >= this.stepsPerEpoch) {
      this.epochCount++;
      this.index = 0;
      this.startEpoch();
    }
    return { x, shape, y, indices };
  }

  private startEpoch(): void {
    this.epochStart = this.rng.state();
    this.perm = this.rng.permutation(this.ds.n);
    this.noiseSeed = this.rng.nextUint32();
  }
}
