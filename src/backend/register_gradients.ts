/**
 * Registers the gradient of every tfjs op. tfjs-core's package entry leaves them out, and
 * its per-op gradient files are extensionless ES modules that Node cannot load directly;
 * the @tensorflow/tfjs bundle carries them all (in Node its CommonJS build, in a browser
 * bundle its ES build), registering into the same global registry tfjs-core uses.
 */
import '@tensorflow/tfjs';

import { registerGradient, getGradient, zerosLike, zeros, add, div, reshape, util, type Tensor, type NamedAttrMap } from '@tensorflow/tfjs-core';

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

/**
 * Sum and Mean: d/dx sum(x, axes) = dy broadcast over the reduced axes, and mean's is that over
 * n = the number of reduced elements. tfjs forms the broadcast as dy * ones(x.shape), and ones()
 * fills its array in a JavaScript loop before copying it to the backend (0.53 ms for a
 * 128 x 784 loss on wasm); dy + zeros(x.shape) gives the same values (dy + 0 = dy, dy / n + 0 =
 * dy * 1 / n) from a calloc'd array (0.21 ms). Every loss that sums over pixels pays this once a step.
 */
function broadcastOverReduced(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  const expandedShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return add(reshape(dy, expandedShape), zeros(x.shape, 'float32'));
}

registerGradient({
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    return { x: () => broadcastOverReduced(dy as Tensor, x, util.parseAxisParam(attrs.axis as number | number[], x.shape)) };
  },
});

registerGradient({
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const n = axes.reduce((p, a) => p * x.shape[a], 1);
    return { x: () => broadcastOverReduced(div(dy as Tensor, n), x, axes) };
  },
});
