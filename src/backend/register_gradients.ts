/**
 * Registers the gradient of every tfjs op. tfjs-core's package entry leaves them out, and
 * its per-op gradient files are extensionless ES modules that Node cannot load directly;
 * the @tensorflow/tfjs bundle carries them all (in Node its CommonJS build, in a browser
 * bundle its ES build), registering into the same global registry tfjs-core uses.
 */
import '@tensorflow/tfjs';

import { registerGradient, getGradient, zerosLike, type Tensor } from '@tensorflow/tfjs-core';

/**
 * Comparisons are piecewise constant, so their gradient is zero wherever it exists. tfjs leaves
 * it unregistered for most of them, which breaks second-order gradients (the WGAN-GP penalty
 * differentiates LeakyRelu's gradient, which contains a Greater mask).
 */
for (const kernelName of ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual']) {
  if (getGradient(kernelName)) continue;
  registerGradient({
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => ({ a: () => zerosLike(saved[0]), b: () => zerosLike(saved[1]) }),
  });
}
