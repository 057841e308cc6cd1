/**
 * Figures of a trained autoencoder / VAE as image batches: reconstructions, latent
 * interpolations, the decoded latent manifold, and encodings for a scatter plot. Each returns
 * a tensor [N, H, W, C] in [0, 1] (caller disposes) laid out for writeImageGrid with the given
 * number of columns.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { VaeModel } from './model.js';
import { interpolatePath } from '../../math/slerp.js';
import { quantileGrid } from './latent.js';

/** Runs `f` over x in slices of `batch` rows and concatenates the results. */
function batched(x: tf.Tensor, batch: number, f: (xb: tf.Tensor) => tf.Tensor): tf.Tensor {
  const parts: tf.Tensor[] = [];
  for (let s = 0; s < x.shape[0]; s += batch) {
    parts.push(tf.tidy(() => f(tf.slice(x, s, Math.min(batch, x.shape[0] - s)))));
  }
  const out = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  if (parts.length > 1) tf.dispose(parts);
  return out;
}

/**
 * Inputs above their reconstructions x_hat = E[x | z = mu(x)]: rows alternate between `cols`
 * inputs and the same `cols` reconstructions.  x: [n, H, W, C] -> [2 n', H, W, C], n' = n rounded up to cols.
 */
export function reconstructionGrid(model: Pick<VaeModel, 'reconstruct'>, x: tf.Tensor, cols: number): tf.Tensor {
  return tf.tidy(() => {
    const n = x.shape[0];
    const rec = model.reconstruct(x); // [n, H, W, C]
    const rows: tf.Tensor[] = [];
    for (let s = 0; s < n; s += cols) {
      const m = Math.min(cols, n - s);
      const padRows = (t: tf.Tensor): tf.Tensor => (m === cols ? t : tf.concat([t, tf.fill([cols - m, ...t.shape.slice(1)], 0.5)], 0));
      rows.push(padRows(tf.slice(x, s, m)), padRows(tf.slice(rec, s, m)));
    }
    return tf.concat(rows, 0);
  });
}

/**
 * One strip per pair (a_i, b_i): the input a_i, the decoded path from mu(a_i) to mu(b_i) in
 * `steps` points (ends included), and the input b_i.  a, b: [pairs, H, W, C] -> [pairs (steps + 2), H, W, C].
 */
export function interpolationStrips(model: VaeModel, a: tf.Tensor, b: tf.Tensor, steps: number, mode: 'linear' | 'spherical'): tf.Tensor {
  return tf.tidy(() => {
    const pairs = a.shape[0];
    const za = model.encode(a);
    const zb = model.encode(b);
    const ma = za.mu.arraySync();
    const mb = zb.mu.arraySync();
    const d = model.latentDim;
    const path = new Float32Array(pairs * steps * d);
    for (let p = 0; p < pairs; p++) {
      interpolatePath(ma[p], mb[p], steps, mode).forEach((z, s) => path.set(z, (p * steps + s) * d));
    }
    const dec = model.decodeMean(tf.tensor2d(path, [pairs * steps, d])); // [pairs steps, H, W, C]
    const strips: tf.Tensor[] = [];
    for (let p = 0; p < pairs; p++) strips.push(tf.slice(a, p, 1), tf.slice(dec, p * steps, steps), tf.slice(b, p, 1));
    return tf.concat(strips, 0);
  });
}

/** Decoded means over a size x size grid of the 2-D latent plane at Gaussian quantiles: [size^2, H, W, C]. */
export function manifoldGrid(model: VaeModel, size: number): tf.Tensor {
  if (model.latentDim !== 2) throw new Error('manifoldGrid needs a 2-D latent');
  const z = tf.tensor2d(quantileGrid(size), [size * size, 2]);
  const out = batched(z, 256, (zb) => model.decodeMean(zb));
  z.dispose();
  return out;
}

/** Encoder means mu(x) of a data batch, as a flat [n * D] array (batched, no tensors left behind). */
export function encodeMeans(model: VaeModel, x: tf.Tensor, batch = 500): Float32Array {
  const mu = batched(x, batch, (xb) => {
    const e = model.encode(xb);
    if (e.logvar) e.logvar.dispose();
    return e.mu;
  });
  const out = mu.dataSync() as Float32Array;
  mu.dispose();
  return Float32Array.from(out);
}
