/**
 * Latent interpolation for a GAN: for each pair of latents z_a, z_b ~ N(0, I), the generator's
 * images along
 *   linear:     z(t) = (1 - t) z_a + t z_b
 *   spherical:  z(t) = [sin((1 - t) theta) z_a + sin(t theta) z_b] / sin(theta),  cos(theta) = z_a.z_b / (|z_a||z_b|)
 * at `steps` values of t in [0, 1] (ends included; src/math/slerp.ts). Spherical paths keep |z|
 * near the typical norm sqrt(nz) of Gaussian latents; linear midpoints are shorter, which a GAN
 * may render blurrier.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import { interpolatePath, type PathMode } from '../../math/slerp.js';
import type { GanModel } from './model.js';

export type LatentPath = PathMode;

/** Images [pairs * rows, H, W, C] in [0, 1]: for each pair, one row of `steps` per path in `paths`. */
export function latentInterpolation(model: GanModel, pairs: number, steps: number, paths: LatentPath[], rng: Rng): tf.Tensor {
  const nz = model.config.nz;
  const za = rng.normalArray(pairs * nz);
  const zb = rng.normalArray(pairs * nz);
  const rows: number[] = [];
  for (let p = 0; p < pairs; p++) {
    for (const mode of paths) {
      for (const z of interpolatePath(za.subarray(p * nz, (p + 1) * nz), zb.subarray(p * nz, (p + 1) * nz), steps, mode)) rows.push(...z);
    }
  }
  return tf.tidy(() => model.toSamples(model.generate(tf.tensor2d(rows, [rows.length / nz, nz])))); // [rows / nz, H, W, C]
}
