/**
 * The layers genlab's networks are built from. NHWC throughout; padding follows PyTorch's
 * convention (symmetric explicit padding) so that networks match their PyTorch references
 * shape for shape and parameter for parameter.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';
import { groupNorm } from './group_norm_op.js';
import { batchNormTraining } from './batch_norm_op.js';
import { torchDefault, zeros, ones } from './init.js';
import type { Rng } from '../util/rng.js';

/** y = x W + b.  x: [..., in] -> [..., out]; W: [in, out]. */
export class Dense extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;
  constructor(rng: Rng, readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    this.kernel = this.param('kernel', torchDefault(rng, [inFeatures, outFeatures], inFeatures));
    this.bias = opts.bias === false ? null : this.param('bias', torchDefault(rng, [outFeatures], inFeatures));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inFeatures]) as tf.Tensor2D;
      let y: tf.Tensor = tf.matMul(flat, this.kernel as tf.Tensor2D); // [N, out]
      if (this.bias) y = tf.add(y, this.bias);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }
}

export interface Conv2dOptions {
  stride?: number;
  /** Symmetric zero padding in pixels, as PyTorch's `padding`; default 0. */
  padding?: number;
  dilation?: number;
  bias?: boolean;
}

/** 2-D convolution. x: [B, H, W, Cin] -> [B, H', W', Cout]; filter [k, k, Cin, Cout]. */
export class Conv2d extends Module {
  readonly filter: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  constructor(rng: Rng, readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: Conv2dOptions = {}) {
    super();
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    const fanIn = inChannels * kernelSize * kernelSize;
    this.filter = this.param('filter', torchDefault(rng, [kernelSize, kernelSize, inChannels, outChannels], fanIn));
    this.bias = opts.bias === false ? null : this.param('bias', torchDefault(rng, [outChannels], fanIn));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const p = this.padding;
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p, p], [p, p], [0, 0]];
      const y = tf.conv2d(x as tf.Tensor4D, this.filter as tf.Tensor4D, this.stride, pad, 'NHWC', this.dilation); // [B, H', W', Cout]
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}

export interface ConvTranspose2dOptions {
  stride?: number;
  /** PyTorch's `padding`: removes this many pixels from each border of the full output. */
  padding?: number;
  /** PyTorch's `output_padding`: extra rows/columns at the bottom/right. */
  outputPadding?: number;
  bias?: boolean;
}

/**
 * Transposed convolution with PyTorch's size rule:
 *   H' = (H - 1) * stride - 2 * padding + kernel + outputPadding.
 * x: [B, H, W, Cin] -> [B, H', W', Cout]; filter [k, k, Cout, Cin] (tfjs layout).
 * It is the input-gradient of a forward conv from [B, H', W', Cout] to [B, H, W, Cin] with
 * padding (top/left = padding, bottom/right = padding - outputPadding).
 */
export class ConvTranspose2d extends Module {
  readonly filter: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;
  constructor(rng: Rng, readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: ConvTranspose2dOptions = {}) {
    super();
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.outputPadding = opts.outputPadding ?? 0;
    if (this.padding - this.outputPadding < 0) throw new Error('ConvTranspose2d: outputPadding larger than padding is not supported');
    // PyTorch computes fan-in of a transposed conv weight [Cin, Cout, k, k] as Cout * k * k.
    const fanIn = outChannels * kernelSize * kernelSize;
    this.filter = this.param('filter', torchDefault(rng, [kernelSize, kernelSize, outChannels, inChannels], fanIn));
    this.bias = opts.bias === false ? null : this.param('bias', torchDefault(rng, [outChannels], fanIn));
  }
  outputSize(h: number): number {
    return (h - 1) * this.stride - 2 * this.padding + this.kernelSize + this.outputPadding;
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, h, w] = x.shape;
      const oh = this.outputSize(h);
      const ow = this.outputSize(w);
      const p = this.padding;
      const q = this.padding - this.outputPadding;
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p, q], [p, q], [0, 0]];
      const y = tf.conv2dTranspose(x as tf.Tensor4D, this.filter as tf.Tensor4D, [b, oh, ow, this.outChannels], this.stride, pad); // [B, H', W', Cout]
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}

/**
 * Group normalisation (Wu & He 2018): channels split into G groups, each normalised over
 * (H, W, C/G):  y = (x - mean) / sqrt(var + eps) * gamma + beta.   x: [B, H, W, C].
 */
export class GroupNorm extends Module {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  constructor(readonly groups: number, readonly channels: number, readonly eps = 1e-5) {
    super();
    if (channels % groups !== 0) throw new Error(`GroupNorm: ${channels} channels do not split into ${groups} groups`);
    this.gamma = this.param('gamma', ones([channels]));
    this.beta = this.param('beta', zeros([channels]));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return groupNorm(x, this.gamma, this.beta, this.groups, this.eps); // x: [B, H, W, C]
  }
}

/**
 * Batch normalisation over every axis but the last (channels):
 *   training: y = (x - mean_B) / sqrt(var_B + eps) * gamma + beta, and the running
 *   statistics move as r <- (1 - momentum) r + momentum * stat (PyTorch's convention,
 *   with the unbiased batch variance in the running estimate);
 *   evaluation: the running statistics replace the batch ones.
 */
export class BatchNorm extends Module {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  constructor(readonly channels: number, readonly momentum = 0.1, readonly eps = 1e-5) {
    super();
    this.gamma = this.param('gamma', ones([channels]));
    this.beta = this.param('beta', zeros([channels]));
    this.runningMean = this.buffer('running_mean', zeros([channels]));
    this.runningVar = this.buffer('running_var', ones([channels]));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (!this.training) {
        const xn = tf.mul(tf.sub(x, this.runningMean), tf.rsqrt(tf.add(this.runningVar, this.eps)));
        return tf.add(tf.mul(xn, this.gamma), this.beta);
      }
      const { y, mean, variance } = batchNormTraining(x, this.gamma, this.beta, this.eps); // mean, variance [C]
      const count = x.size / this.channels;
      const m = this.momentum;
      // Running statistics are state: they never reach the loss, so no gradient flows through them.
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * count) / Math.max(count - 1, 1))));
      return y;
    });
  }
}

/** Inverted dropout with an explicit Rng: kept units are scaled by 1/(1-rate). */
export function dropout(x: tf.Tensor, rate: number, rng: Rng, training: boolean): tf.Tensor {
  if (!training || rate <= 0) return x;
  return tf.tidy(() => {
    const keep = tf.tensor(rng.uniformArray(x.size), x.shape);
    const mask = tf.cast(tf.greaterEqual(keep, rate), 'float32');
    return tf.mul(x, tf.mul(mask, 1 / (1 - rate)));
  });
}
