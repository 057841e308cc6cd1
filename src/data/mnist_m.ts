/**
 * `mnist-m`: mnist digits blended over crops of colour photographs (Ganin & Lempitsky 2015,
 * "Unsupervised Domain Adaptation by Backpropagation", section 5), the colour domain of
 * digit-scale domain adaptation and translation.
 *
 * For digit d (values in [0, 1], binarised at 0.5) and a random size x size crop p of a photo,
 * per pixel and channel c:
 *
 *   x_c = | p_c - [d > 0.5] |
 *
 * i.e. the photo where there is no ink and its colour negative where there is. Each digit gets
 * its own photo and crop position, drawn from `rng`: the same seed gives the same images. The
 * labels and the order are the mnist split's, so image i of `mnist-m:test` is digit i of
 * `mnist:test` in colour. At size 32 the digit is padded by 2 pixels each side (MNIST's own
 * 20x20-in-28x28 framing, widened) before blending.
 * Pure: arrays in, dataset out (the photos are read in mnist_m_photos.ts, Node).
 */
import type { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import type { ImageDataset } from './types.js';

/** An RGB photograph as [h, w, 3] values in [0, 1]. */
export interface Photo {
  name: string;
  height: number;
  width: number;
  pixels: Float32Array;
}

export const MNIST_M_SIZES = [28, 32] as const;
export type MnistMSize = (typeof MNIST_M_SIZES)[number];

/** Ink threshold of the binarised digit. */
export const MNIST_M_INK = 0.5;

/**
 * Blends every digit of `digits` (a 1-channel 28x28 set) over a random crop of one of
 * `photos`, giving a [n, size, size, 3] RGB set with the same labels.
 */
export function blendMnistM(digits: ImageDataset, photos: Photo[], rng: Rng, size: MnistMSize = 28): ImageDataset {
  if (digits.channels !== 1 || digits.height !== 28 || digits.width !== 28) throw new UserError(`mnist-m: expected 28x28 greyscale digits, got ${digits.height}x${digits.width}x${digits.channels}`);
  if (!MNIST_M_SIZES.includes(size)) throw new UserError(`mnist-m: size must be 28 or 32, got ${size}`);
  if (photos.length === 0) throw new UserError('mnist-m: no photographs to blend with');
  for (const p of photos) if (p.height < size || p.width < size) throw new UserError(`mnist-m: photo ${p.name} is smaller than ${size}x${size}`);
  const pad = (size - 28) / 2;
  const per = size * size * 3;
  const pixels = new Float32Array(digits.n * per);
  for (let i = 0; i < digits.n; i++) {
    const photo = photos[rng.int(photos.length)];
    const top = rng.int(photo.height - size + 1);
    const left = rng.int(photo.width - size + 1);
    const out = i * per;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dy = y - pad;
        const dx = x - pad;
        const inDigit = dy >= 0 && dy < 28 && dx >= 0 && dx < 28;
        const ink = inDigit && digits.pixels[i * 784 + dy * 28 + dx] > MNIST_M_INK ? 1 : 0;
        const src = ((top + y) * photo.width + (left + x)) * 3;
        const dst = out + (y * size + x) * 3;
        // x_c = |p_c - ink|
        for (let c = 0; c < 3; c++) pixels[dst + c] = Math.abs(photo.pixels[src + c] - ink);
      }
    }
  }
  return {
    kind: 'images',
    source: 'mnist-m',
    split: digits.split,
    n: digits.n,
    height: size,
    width: size,
    channels: 3,
    pixels,
    labels: digits.labels,
    classNames: digits.classNames?.slice(),
  };
}
