/**
 * The history pool of generated images (Shrivastava et al. 2017, section 2.3; CycleGAN section
 * 4): a discriminator is shown generated images from earlier generators too, which damps
 * oscillation. For each image of a generated batch, in order:
 *
 *   pool not yet full:  store it, show it;
 *   pool full:          with probability 1/2 show a stored image chosen uniformly and store the
 *                       new one in its place; otherwise show the new image.
 *
 * The images are kept on the host (plain float32 arrays), so that the pool is JSON state
 * (TrainableModel.hostState): its contents travel as base64 of their bytes, exact to the bit,
 * and its randomness is the caller's Rng (the loop's per-step stream, itself checkpointed).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';

export interface ImagePoolState {
  /** Values per image (H * W * C). */
  size: number;
  /** Stored images in slot order, base64 of their float32 bytes. */
  images: string[];
}

export class ImagePool {
  private readonly images: Float32Array[] = [];
  private valuesPerImage = 0;

  constructor(readonly capacity: number) {}

  get count(): number {
    return this.images.length;
  }

  /** A copy of stored image i (tests and diagnostics). */
  stored(i: number): Float32Array {
    return this.images[i].slice();
  }

  /**
   * The batch to show the discriminator for a generated batch `fake` [B, H, W, C] (same shape,
   * a new tensor); stores images as described above, drawing from `rng`.
   */
  query(fake: tf.Tensor, rng: Rng): tf.Tensor {
    if (this.capacity === 0) return tf.clone(fake);
    const [b, ...rest] = fake.shape;
    const per = rest.reduce((p, d) => p * d, 1);
    if (this.valuesPerImage !== 0 && this.valuesPerImage !== per) throw new Error(`ImagePool: images of ${per} values, the pool holds ${this.valuesPerImage}`);
    this.valuesPerImage = per;
    const values = fake.dataSync() as Float32Array;
    const out = new Float32Array(values.length);
    for (let i = 0; i < b; i++) {
      const img = values.slice(i * per, (i + 1) * per);
      if (this.images.length < this.capacity) {
        this.images.push(img);
        out.set(img, i * per);
      } else if (rng.uniform() < 0.5) {
        const k = rng.int(this.capacity);
        out.set(this.images[k], i * per);
        this.images[k] = img;
      } else {
        out.set(img, i * per);
      }
    }
    return tf.tensor(out, fake.shape);
  }

  state(): ImagePoolState {
    return { size: this.valuesPerImage, images: this.images.map(toBase64) };
  }

  restore(s: ImagePoolState): void {
    this.images.length = 0;
    this.valuesPerImage = s.size;
    for (const b64 of s.images) {
      const img = fromBase64(b64);
      if (img.length !== s.size) throw new Error(`ImagePool: a stored image has ${img.length} values, not ${s.size}`);
      this.images.push(img);
    }
  }
}

/** Base64 of a float32 array's bytes (btoa: in browsers and in Node alike). */
function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Float32Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
