/** Test images for the figures, prepared as the model saw its training data. */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from '../../data/types.js';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { VaeConfig } from './config.js';

/**
 * `count` distinct images drawn at random (seeded), as [count, H, W, C]. Inputs are shown as the
 * model was trained on them, except that dynamically binarised models get the grey levels (the
 * expected binary image) rather than one random binarisation.
 */
export function pickImages(ds: ImageDataset, count: number, rng: Rng, binarize: VaeConfig['binarize']): tf.Tensor4D {
  if (count > ds.n) throw new UserError(`asked for ${count} images but ${ds.source}:${ds.split} has ${ds.n}`);
  const per = ds.height * ds.width * ds.channels;
  const idx = rng.permutation(ds.n).subarray(0, count);
  const out = new Float32Array(count * per);
  idx.forEach((i, k) => out.set(ds.pixels.subarray(i * per, (i + 1) * per), k * per));
  if (binarize === 'threshold') for (let k = 0; k < out.length; k++) out[k] = out[k] > 0.5 ? 1 : 0;
  return tf.tensor4d(out, [count, ds.height, ds.width, ds.channels]);
}
