/** Test helpers: a StepContext with plain Adam, standing in for the training loop. */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../src/util/rng.js';
import type { StepContext, TrainableModel } from '../../../src/train/types.js';

export function adamContext(model: TrainableModel, lr: number, rng: Rng): { ctx: (step: number) => StepContext; dispose(): void } {
  const opt = tf.train.adam(lr);
  const vars = model.paramGroups().model;
  return {
    ctx: (step) => ({
      step,
      rng,
      optimize(_group, lossFn) {
        const { value, grads } = tf.variableGrads(lossFn, vars);
        const gradNorm = tf.tidy(() => Math.sqrt(Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0)));
        opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        const loss = value.dataSync()[0];
        tf.dispose([value, ...Object.values(grads)]);
        return { loss, gradNorm, aux: {} };
      },
    }),
    dispose: () => opt.dispose(),
  };
}
