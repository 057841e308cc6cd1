/** Global-norm gradient clipping: g <- g min(1, c / ||g||), ||g|| = sqrt(sum_i ||g_i||^2). */
import * as tf from '@tensorflow/tfjs-core';

export function globalNorm(grads: tf.Tensor[]): number {
  if (grads.length === 0) return 0;
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
}

/** Returns new gradient tensors (the inputs are disposed when they are scaled) and the norm before clipping. */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number | null): { grads: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  if (maxNorm === null || !(norm > maxNorm)) return { grads, norm };
  const scale = maxNorm / (norm + 1e-6);
  const scaled = grads.map((g) => {
    const s = tf.mul(g, scale);
    g.dispose();
    return s;
  });
  return { grads: scaled, norm };
}
