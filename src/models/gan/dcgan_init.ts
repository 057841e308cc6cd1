/**
 * The DCGAN paper's initialisation (Radford et al. 2016, section 4: "all weights were initialized
 * from a zero-centered Normal distribution with standard deviation 0.02"), applied over a built
 * network's variables, as the PyTorch DCGAN example's weights_init does:
 *   convolution, transposed-convolution and dense weights  w ~ N(0, 0.02^2),  biases b = 0,
 *   batch-norm scales  gamma ~ N(1, 0.02^2),  shifts beta = 0;  running statistics untouched.
 * Drawn from the given stream in the network's variable order, so a seed fixes every weight.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';

export const DCGAN_INIT_STD = 0.02;

export function dcganInit(variables: [string, tf.Variable][], rng: Rng): void {
  for (const [name, v] of variables) {
    if (!v.trainable) continue; // running mean / variance
    const leaf = name.slice(name.lastIndexOf('.') + 1);
    const n = v.size;
    tf.tidy(() => {
      if (leaf === 'kernel' || leaf === 'filter') v.assign(tf.tensor(rng.normalArray(n, 0, DCGAN_INIT_STD), v.shape, 'float32'));
      else if (leaf === 'gamma') v.assign(tf.tensor(rng.normalArray(n, 1, DCGAN_INIT_STD), v.shape, 'float32'));
      else if (leaf === 'bias' || leaf === 'beta') v.assign(tf.zeros(v.shape));
      else throw new Error(`dcganInit: no rule for variable '${name}'`);
    });
  }
}
