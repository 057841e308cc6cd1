/**
 * The latent explorer's work, without the page: a VAE with a 2-D latent encodes digits to the
 * means of q(z|x) (the scatter) and decodes a point z to the decoder's mean image. DOM-free, so
 * the browser test runs the same code in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainableModel } from '../../src/index.js';
import { VaeModel } from '../../src/models/vae/model.js';

function vae2d(model: TrainableModel): VaeModel {
  if (!(model instanceof VaeModel)) throw new Error('latent explorer: the run is not a VAE');
  if (model.config.latent !== 2) throw new Error(`latent explorer: the VAE has a ${model.config.latent}-D latent, not 2-D`);
  return model;
}

/** Means of q(z|x) of n digits, [n, 2] flattened.  pixels: [n, H, W, 1] in [0, 1]. */
export function encodeDigits(model: TrainableModel, pixels: Float32Array, n: number, shape: [number, number, number]): Float32Array {
  const vae = vae2d(model);
  const x = tf.tensor4d(pixels, [n, ...shape]);
  const { mu, logvar } = vae.encode(x); // [n, 2] each
  const out = mu.dataSync() as Float32Array;
  tf.dispose([x, mu, ...(logvar ? [logvar] : [])]);
  return out;
}

/** The decoder's mean image at z = (z1, z2), [H W C] in [0, 1]. */
export function decodePoint(model: TrainableModel, z: [number, number]): Float32Array {
  const vae = vae2d(model);
  const zt = tf.tensor2d([z], [1, 2]);
  const x = vae.decodeMean(zt); // [1, H, W, C]
  const out = x.dataSync() as Float32Array;
  tf.dispose([zt, x]);
  return out;
}
