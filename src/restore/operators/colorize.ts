/**
 * Colorization: RGB to grey, the mean of the three channels (as the DDNM authors' color2gray).
 *
 *   y = A x,   y[b, i, j, 0] = w . x[b, i, j, :],  w = (1/3, 1/3, 1/3),
 *   A+ = A^T (A A^T)^-1 = w^T / ||w||^2 = (1, 1, 1)^T:  A+ copies the grey value to R, G and B.
 *
 * A A+ = w . (1, 1, 1) = 1 (full row rank); A+ A replaces each pixel by its grey level, and the
 * null space (I - A+ A) holds the colour: differences between channels, summing to zero. Needs
 * an RGB prior (e.g. one trained on an RGB folder:DIR or mnist-m).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageShape, LinearOperator } from './operator.js';
import { checkImages } from './operator.js';

export class ColorizeOperator implements LinearOperator {
  readonly name = 'colorize';
  readonly measurementShape: number[];
  constructor(readonly imageShape: ImageShape) {
    if (imageShape[2] !== 3) throw new Error(`colorize: needs RGB images (3 channels), got ${imageShape[2]}`);
    this.measurementShape = [imageShape[0], imageShape[1], 1];
  }
  /** Grey = channel mean.  [B, H, W, 3] -> [B, H, W, 1]. */
  apply(x: tf.Tensor): tf.Tensor {
    checkImages(this, x);
    return tf.mean(x, 3, true);
  }
  /** The grey value in every channel.  [B, H, W, 1] -> [B, H, W, 3]. */
  pinv(y: tf.Tensor): tf.Tensor {
    return tf.tile(y, [1, 1, 1, 3]);
  }
  describe(): Record<string, unknown> {
    return { operator: this.name, weights: [1 / 3, 1 / 3, 1 / 3] };
  }
  dispose(): void {}
}
