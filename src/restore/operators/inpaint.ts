/**
 * Inpainting: keep the pixels where the mask m is 1, lose those where it is 0.
 *
 *   A = diag(m),   y = m * x   (elementwise; y has x's shape, 0 at missing pixels),
 *   A+ = diag(m),  since m_i in {0, 1}: m^2 = m, so A A+ A = A and A+ A A+ = A+.
 *
 * A+ A = diag(m) projects on the known pixels and I - A+ A = diag(1 - m) on the missing ones,
 * so DDNM's x0_hat = A+ y + (I - A+ A) x0 = m * y + (1 - m) * x0: known pixels from y, the
 * rest from the prior. One mask [H, W] serves every image of the batch and every channel.
 *
 * Masks (1 = known, 0 = missing): a centre box, random pixels missing at a given share
 * (seeded), the left or right half missing, or the pixels of a user image (white = known).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../util/rng.js';
import type { ImageShape, LinearOperator } from './operator.js';
import { checkImages } from './operator.js';

export type MaskSpec =
  | { kind: 'box'; /** side of the missing square in pixels */ size: number }
  | { kind: 'random'; /** share of pixels missing, in [0, 1) */ missing: number; seed: number }
  | { kind: 'half'; /** which half is missing */ side: 'left' | 'right' }
  | { kind: 'image'; /** [H W] values, >= 0.5 = known */ pixels: Float32Array; path?: string };

/** The mask [H, W] (row-major, 1 = known) of a spec. */
export function makeMask(spec: MaskSpec, h: number, w: number): Float32Array {
  const m = new Float32Array(h * w).fill(1);
  if (spec.kind === 'box') {
    if (!(Number.isInteger(spec.size) && spec.size >= 1 && spec.size <= Math.min(h, w))) throw new Error(`box mask: size must be a whole number in 1..${Math.min(h, w)}, got ${spec.size}`);
    const top = Math.floor((h - spec.size) / 2);
    const left = Math.floor((w - spec.size) / 2);
    for (let i = top; i < top + spec.size; i++) for (let j = left; j < left + spec.size; j++) m[i * w + j] = 0;
  } else if (spec.kind === 'random') {
    if (!(spec.missing >= 0 && spec.missing < 1)) throw new Error(`random mask: the missing share must be in [0, 1), got ${spec.missing}`);
    // Exactly round(share * H W) pixels go missing: the first ones of a seeded permutation.
    const r = new Rng(spec.seed);
    const perm = r.permutation(h * w);
    const k = Math.round(spec.missing * h * w);
    for (let i = 0; i < k; i++) m[perm[i]] = 0;
  } else if (spec.kind === 'half') {
    const from = spec.side === 'left' ? 0 : Math.floor(w / 2);
    const to = spec.side === 'left' ? Math.floor(w / 2) : w;
    for (let i = 0; i < h; i++) for (let j = from; j < to; j++) m[i * w + j] = 0;
  } else {
    if (spec.pixels.length !== h * w) throw new Error(`mask image: ${spec.pixels.length} pixels, expected ${h}x${w}`);
    for (let k = 0; k < h * w; k++) m[k] = spec.pixels[k] >= 0.5 ? 1 : 0;
  }
  return m;
}

export class InpaintOperator implements LinearOperator {
  readonly name = 'inpaint';
  readonly measurementShape: number[];
  /** [1, H, W, 1], 1 = known. */
  readonly mask: tf.Tensor4D;
  readonly known: number;
  constructor(readonly imageShape: ImageShape, mask: Float32Array, private readonly spec: MaskSpec | { kind: 'given' } = { kind: 'given' }) {
    const [h, w] = imageShape;
    if (mask.length !== h * w) throw new Error(`inpaint: mask of ${mask.length} values, expected ${h}x${w}`);
    this.measurementShape = [...imageShape];
    this.mask = tf.tensor4d(mask, [1, h, w, 1]);
    this.known = mask.reduce((s, v) => s + v, 0);
  }
  static fromSpec(imageShape: ImageShape, spec: MaskSpec): InpaintOperator {
    return new InpaintOperator(imageShape, makeMask(spec, imageShape[0], imageShape[1]), spec);
  }
  /** y = m * x.  [B, H, W, C] -> [B, H, W, C]. */
  apply(x: tf.Tensor): tf.Tensor {
    checkImages(this, x);
    return tf.mul(x, this.mask);
  }
  /** A+ y = m * y.  [B, H, W, C] -> [B, H, W, C]. */
  pinv(y: tf.Tensor): tf.Tensor {
    return tf.mul(y, this.mask);
  }
  describe(): Record<string, unknown> {
    const s = this.spec.kind === 'image' ? { kind: 'image', path: this.spec.path } : this.spec;
    return { operator: this.name, mask: s, knownPixels: this.known, pixels: this.imageShape[0] * this.imageShape[1] };
  }
  dispose(): void {
    this.mask.dispose();
  }
}
