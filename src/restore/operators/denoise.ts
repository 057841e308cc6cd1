/**
 * Denoising: every pixel is measured, with noise.
 *
 *   A = I,   A+ = I,   y = x + sigma_y n,  n ~ N(0, I).
 *
 * The null space is empty (I - A+ A = 0): noise-free DDNM would return y itself; only DDNM+
 * (lambda_t < 1 late in sampling, ddnm.ts) lets the prior remove the noise. sigma_y is a
 * setting of the task (the measurement), not of A; it is recorded here so a task describes itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageShape, LinearOperator } from './operator.js';
import { checkImages } from './operator.js';

export class DenoiseOperator implements LinearOperator {
  readonly name = 'denoise';
  readonly measurementShape: number[];
  constructor(readonly imageShape: ImageShape, readonly sigmaY: number) {
    if (!(sigmaY >= 0)) throw new Error(`denoise: sigma_y must be >= 0, got ${sigmaY}`);
    this.measurementShape = [...imageShape];
  }
  /** y = x.  [B, H, W, C] -> [B, H, W, C] (a copy). */
  apply(x: tf.Tensor): tf.Tensor {
    checkImages(this, x);
    return tf.clone(x);
  }
  /** A+ y = y.  [B, H, W, C] (a copy). */
  pinv(y: tf.Tensor): tf.Tensor {
    return tf.clone(y);
  }
  describe(): Record<string, unknown> {
    return { operator: this.name, sigmaY: this.sigmaY };
  }
  dispose(): void {}
}
