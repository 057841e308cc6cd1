/**
 * Interpolation at a chosen layer of the hierarchy. Each image is a point of the standardised
 * noise eps = (eps_1, ..., eps_L) of the generative pass (top_down.ts: z_L = eps_L,
 * z_i = mu_p(z_{i+1}) + sigma_p(z_{i+1}) eps_i), and an encoded image is the noise of its
 * posterior mean path. Interpolating at layer l moves eps_l from a's to b's and keeps every other
 * layer at a's:
 *   l = 1 (bottom): the top is fixed, the bottom varies: a's "content", b's low-level detail;
 *   l = L (top):    the bottom's noise is fixed, the top varies: what the top layer controls.
 * At t = 0 the strip shows a's reconstruction; at t = 1 a's other layers with b's layer l.
 */
import * as tf from '@tensorflow/tfjs-core';
import { interpolatePath, type PathMode } from '../../math/slerp.js';
import type { HvaeModel } from './model.js';
import { generateTopDown, inferTopDown, priorNoise } from './top_down.js';

/** The standardised noise of the posterior mean paths of x: [B, ...shape] -> L x [B, D_i]. */
export function posteriorNoise(model: HvaeModel, x: tf.Tensor): tf.Tensor2D[] {
  return tf.tidy(() => priorNoise(inferTopDown(model, model.bottomUp(x), 'mean')));
}

/**
 * One strip per pair (a_i, b_i): a_i, `steps` images along the path at layer `layer` (1-based,
 * ends included), b_i.  a, b: [pairs, H, W, C] -> [pairs (steps + 2), H, W, C].
 */
export function layerInterpolationStrips(model: HvaeModel, a: tf.Tensor, b: tf.Tensor, steps: number, layer: number, mode: PathMode): tf.Tensor {
  if (!Number.isInteger(layer) || layer < 1 || layer > model.layers) throw new Error(`layerInterpolationStrips: layer ${layer} outside 1..${model.layers}`);
  return tf.tidy(() => {
    const pairs = a.shape[0];
    const ea = posteriorNoise(model, a);
    const eb = posteriorNoise(model, b);
    const li = layer - 1;
    const d = model.latentDims[li];
    const pa = ea[li].arraySync();
    const pb = eb[li].arraySync();
    const path = new Float32Array(pairs * steps * d);
    for (let p = 0; p < pairs; p++) interpolatePath(pa[p], pb[p], steps, mode).forEach((z, s) => path.set(z, (p * steps + s) * d));
    // Every other layer: a's noise, repeated along the path.  [pairs steps, D_j]
    const noise = ea.map((e, j) => (j === li ? tf.tensor2d(path, [pairs * steps, d]) : (tf.reshape(tf.tile(tf.expandDims(e, 1), [1, steps, 1]), [pairs * steps, e.shape[1]]) as tf.Tensor2D)));
    const dec = model.decodeMean(generateTopDown(model, noise)[0]); // [pairs steps, H, W, C]
    const strips: tf.Tensor[] = [];
    for (let p = 0; p < pairs; p++) strips.push(tf.slice(a, p, 1), tf.slice(dec, p * steps, steps), tf.slice(b, p, 1));
    return tf.concat(strips, 0);
  });
}
