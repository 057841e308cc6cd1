/**
 * Compressed sensing: M = round(ratio * D) random projections of the flattened image
 * (D = H W C), by a seeded matrix with orthonormal rows.
 *
 *   y = A vec(x),  A in R^{M x D},  A A^T = I_M,   A+ = A^T (A A^T)^-1 = A^T.
 *
 * A is drawn as an M x D matrix of standard normals (seeded Box-Muller) whose rows are then
 * orthonormalised by modified Gram-Schmidt in float64, run twice ("twice is enough", Giraud et
 * al. 2005) so that A A^T = I to float32 round-off; stored as float32. A+ A = A^T A projects on
 * an M-dimensional random subspace: CS 25% keeps a quarter of the image's degrees of freedom.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../util/rng.js';
import type { ImageShape, LinearOperator } from './operator.js';
import { checkImages, imageSize } from './operator.js';

/** An [m, d] row-major float64 matrix with orthonormal rows, from standard normals of `seed`. */
export function orthonormalRows(m: number, d: number, seed: number): Float64Array {
  if (m > d) throw new Error(`orthonormalRows: ${m} rows cannot be orthonormal in ${d} dimensions`);
  const a = Float64Array.from(new Rng(seed).normalArray(m * d));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < m; i++) {
      const ri = i * d;
      // a_i <- a_i - (a_i . a_j) a_j for every earlier (already unit) row j, then a_i <- a_i / ||a_i||
      for (let j = 0; j < i; j++) {
        const rj = j * d;
        let dot = 0;
        for (let k = 0; k < d; k++) dot += a[ri + k] * a[rj + k];
        for (let k = 0; k < d; k++) a[ri + k] -= dot * a[rj + k];
      }
      let norm = 0;
      for (let k = 0; k < d; k++) norm += a[ri + k] * a[ri + k];
      norm = Math.sqrt(norm);
      for (let k = 0; k < d; k++) a[ri + k] /= norm;
    }
  }
  return a;
}

export class CompressedSensingOperator implements LinearOperator {
  readonly name = 'cs';
  readonly measurementShape: number[];
  readonly rows: number;
  /** A^T: [D, M]. */
  private readonly at: tf.Tensor2D;
  constructor(readonly imageShape: ImageShape, readonly ratio: number, readonly seed: number) {
    const d = imageSize(imageShape);
    if (!(ratio > 0 && ratio <= 1)) throw new Error(`cs: ratio must be in (0, 1], got ${ratio}`);
    this.rows = Math.max(1, Math.round(ratio * d));
    this.measurementShape = [this.rows];
    const a = orthonormalRows(this.rows, d, seed); // [M, D]
    const at = new Float32Array(d * this.rows);
    for (let i = 0; i < this.rows; i++) for (let k = 0; k < d; k++) at[k * this.rows + i] = a[i * d + k];
    this.at = tf.tensor2d(at, [d, this.rows]);
  }
  /** y = A vec(x).  [B, H, W, C] -> [B, M]. */
  apply(x: tf.Tensor): tf.Tensor {
    checkImages(this, x);
    return tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D, this.at)); // [B, D] x [D, M]
  }
  /** A+ y = A^T y.  [B, M] -> [B, H, W, C]. */
  pinv(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.reshape(tf.matMul(y as tf.Tensor2D, this.at, false, true), [y.shape[0], ...this.imageShape])); // [B, M] x [M, D]
  }
  describe(): Record<string, unknown> {
    return { operator: this.name, ratio: this.ratio, rows: this.rows, seed: this.seed };
  }
  dispose(): void {
    this.at.dispose();
  }
}
