/**
 * Super-resolution by average pooling with factor k (2 or 4 for 28 x 28 images: 14 x 14, 7 x 7).
 *
 *   (A x)[b, i, j, c] = (1 / k^2) sum_{a, a' < k} x[b, k i + a, k j + a', c]      [B, H/k, W/k, C]
 *   (A+ y)[b, k i + a, k j + a', c] = y[b, i, j, c]                                  (replication)
 *
 * Each row of A holds k^2 entries 1/k^2 on its own block, so A A^T = I / k^2 and
 *   A+ = A^T (A A^T)^-1 = k^2 A^T,
 * which copies each low-resolution pixel to its k x k block; A A+ = I (full row rank).
 * Written with reshapes and means (rank <= 4), whose gradients every backend has.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageShape, LinearOperator } from './operator.js';
import { checkImages } from './operator.js';

export class SuperResolutionOperator implements LinearOperator {
  readonly name = 'sr';
  readonly measurementShape: number[];
  constructor(readonly imageShape: ImageShape, readonly factor: number) {
    const [h, w, c] = imageShape;
    if (!Number.isInteger(factor) || factor < 1) throw new Error(`sr: factor must be a positive whole number, got ${factor}`);
    if (h % factor !== 0 || w % factor !== 0) throw new Error(`sr: ${h}x${w} images do not split into ${factor}x${factor} blocks`);
    this.measurementShape = [h / factor, w / factor, c];
  }
  /** Block means.  [B, H, W, C] -> [B, H/k, W/k, C]. */
  apply(x: tf.Tensor): tf.Tensor {
    checkImages(this, x);
    const k = this.factor;
    const [b, h, w, c] = x.shape;
    return tf.tidy(() => {
      // [B, H, W, C] = [B h, k, w, k C] (h = H/k, w = W/k): mean over the k rows of each block...
      const rows = tf.mean(tf.reshape(x, [b * (h / k), k, w / k, k * c]), 1); // [B h, w, k C]
      // ...then over its k columns.
      const blocks = tf.mean(tf.reshape(rows, [b * (h / k) * (w / k), k, c]), 1); // [B h w, C]
      return tf.reshape(blocks, [b, h / k, w / k, c]);
    });
  }
  /** Replication of each value to its k x k block.  [B, H/k, W/k, C] -> [B, H, W, C]. */
  pinv(y: tf.Tensor): tf.Tensor {
    const k = this.factor;
    const [b, h, w, c] = y.shape; // h = H/k, w = W/k
    return tf.tidy(() => {
      const cols = tf.tile(tf.reshape(y, [b * h * w, 1, c]), [1, k, 1]); // [B h w, k, C]
      const rows = tf.tile(tf.reshape(cols, [b * h, 1, w, k * c]), [1, k, 1, 1]); // [B h, k, w, k C]
      return tf.reshape(rows, [b, h * k, w * k, c]);
    });
  }
  describe(): Record<string, unknown> {
    return { operator: this.name, factor: this.factor, measurement: this.measurementShape };
  }
  dispose(): void {}
}
