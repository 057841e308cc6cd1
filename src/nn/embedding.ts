/**
 * Sinusoidal timestep embedding (Vaswani et al. 2017; Ho et al. 2020):
 *   freq_k = exp(-ln(10000) k / half),  emb(t) = [sin(t freq_0..half-1), cos(t freq_0..half-1)].
 * t: [B] -> [B, dim].
 */
import * as tf from '@tensorflow/tfjs-core';

export function timestepEmbedding(t: tf.Tensor1D | number[], dim: number): tf.Tensor2D {
  return tf.tidy(() => {
    const half = Math.floor(dim / 2);
    const freqs = new Float32Array(half);
    for (let k = 0; k < half; k++) freqs[k] = Math.exp((-Math.log(10000) * k) / half);
    const tt = Array.isArray(t) ? tf.tensor1d(t, 'float32') : tf.cast(t, 'float32');
    const args = tf.mul(tf.reshape(tt, [-1, 1]), tf.tensor2d(freqs, [1, half])); // [B, half]
    return tf.concat([tf.sin(args), tf.cos(args)], 1) as tf.Tensor2D; // [B, 2 half]
  });
}
