/**
 * A degradation operator of zero-shot restoration: a linear map A from images to
 * measurements, with its Moore-Penrose pseudo-inverse A+, the unique matrix with
 *   A A+ A = A,   A+ A A+ = A+,   (A A+)^T = A A+,   (A+ A)^T = A+ A.
 * A+ A is the orthogonal projector onto the row space of A (what y determines) and I - A+ A the
 * projector onto its null space (what y says nothing about): any x splits as
 *   x = A+ A x + (I - A+ A) x,
 * the decomposition DDNM is named after. Each operator lives in its own file beside this one,
 * with its equation in the header; each is pure (no state besides what its constructor fixed)
 * and batched over the leading axis. Images are NHWC, [B, H, W, C].
 *
 * The operators act on whatever range the caller's images are in: they are linear, so for the
 * [-1, 1] range of the diffusion and GAN priors a measurement y of [0, 1] images maps to
 *   y' = A (2 x - 1) = 2 y - A 1          (symmetricMeasurement below).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';

/** Per-example image shape [H, W, C]. */
export type ImageShape = [number, number, number];

export interface LinearOperator {
  /** Short name, e.g. 'inpaint', 'sr', 'cs'. */
  readonly name: string;
  /** [H, W, C] of one input image. */
  readonly imageShape: ImageShape;
  /** Shape of one measurement (after the batch axis). */
  readonly measurementShape: number[];
  /** y = A x.  x: [B, H, W, C] -> [B, ...measurementShape]. */
  apply(x: tf.Tensor): tf.Tensor;
  /** x = A+ y.  y: [B, ...measurementShape] -> [B, H, W, C]. */
  pinv(y: tf.Tensor): tf.Tensor;
  /** The operator's settings as JSON (for the run's metrics file). */
  describe(): Record<string, unknown>;
  /** Frees the tensors the operator holds (masks, matrices). */
  dispose(): void;
}

/** A+ A x: the part of x that the measurement determines.  [B, H, W, C] -> [B, H, W, C]. */
export function rangePart(op: LinearOperator, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => op.pinv(op.apply(x)));
}

/** (I - A+ A) x: the part of x the measurement says nothing about.  [B, H, W, C]. */
export function nullPart(op: LinearOperator, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(x, op.pinv(op.apply(x))));
}

/**
 * A noisy measurement y = A x + sigma_y A A+ n, n ~ N(0, I) of y's shape. A A+ is the projector
 * onto the range of A (the identity for the operators with full row rank: super-resolution,
 * compressed sensing, colorization, denoising): noise lands on measured values only, e.g. not
 * on the missing pixels of an inpainting mask. sigma_y = 0 gives A x exactly.
 */
export function measure(op: LinearOperator, x: tf.Tensor, sigmaY: number, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const y = op.apply(x); // [B, ...measurementShape]
    if (sigmaY === 0) return y;
    const n = tf.tensor(rng.normalArray(y.size), y.shape);
    return tf.add(y, tf.mul(op.apply(op.pinv(n)), sigmaY));
  });
}

/** The measurement of [-1, 1] images from that of [0, 1] images: y' = A (2 x - 1) = 2 y - A 1. */
export function symmetricMeasurement(op: LinearOperator, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const ones = tf.ones([1, ...op.imageShape]);
    return tf.sub(tf.mul(y, 2), op.apply(ones)); // A 1 broadcast over the batch
  });
}

/** Per-example ||A x - y||_2 (the consistency of a restoration).  x [B, H, W, C], y [B, ...] -> [B]. */
export function consistency(op: LinearOperator, x: tf.Tensor, y: tf.Tensor): Float32Array {
  const norms = tf.tidy(() => {
    const r = tf.sub(op.apply(x), y);
    return tf.sqrt(tf.sum(tf.square(tf.reshape(r, [r.shape[0], -1])), 1)); // [B]
  });
  const out = norms.dataSync() as Float32Array;
  norms.dispose();
  return out;
}

/** Elements of one image. */
export function imageSize(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/**
 * x'[b, i, w, c] = sum_j M[i, j] x[b, j, w, c] (axis 'h') or x'[b, h, i, c] = sum_j M[i, j] x[b, h, j, c]
 * (axis 'w'): a matrix applied along one spatial axis of NHWC images, as matrix products on
 * [B W C, H] or [B H C, W] rows.  x: [B, H, W, C], M: [N, H] (or [N, W]) -> [B, N, W, C] (or [B, H, N, C]).
 */
export function mulAlong(x: tf.Tensor, m: tf.Tensor2D, axis: 'h' | 'w'): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const n = m.shape[0];
    if (axis === 'h') {
      const rows = tf.reshape(tf.transpose(x, [0, 2, 3, 1]), [b * w * c, h]); // [B W C, H]
      const out = tf.matMul(rows, m, false, true); // [B W C, N]
      return tf.transpose(tf.reshape(out, [b, w, c, n]), [0, 3, 1, 2]) as tf.Tensor4D; // [B, N, W, C]
    }
    const rows = tf.reshape(tf.transpose(x, [0, 1, 3, 2]), [b * h * c, w]); // [B H C, W]
    const out = tf.matMul(rows, m, false, true); // [B H C, N]
    return tf.transpose(tf.reshape(out, [b, h, c, n]), [0, 1, 3, 2]) as tf.Tensor4D; // [B, H, N, C]
  });
}

/** Throws unless x is a batch of images of the operator's shape. */
export function checkImages(op: LinearOperator, x: tf.Tensor): void {
  const [, h, w, c] = x.shape;
  const [eh, ew, ec] = op.imageShape;
  if (x.rank !== 4 || h !== eh || w !== ew || c !== ec) throw new Error(`${op.name}: images of shape [${x.shape}], expected [B, ${eh}, ${ew}, ${ec}]`);
}
