/** One Adam step on a loss over a module's parameters (the workloads' optimiser). */
import * as tf from '@tensorflow/tfjs-core';

export function makeAdam(lr: number, beta1 = 0.9, beta2 = 0.999): tf.Optimizer {
  return tf.train.adam(lr, beta1, beta2, 1e-8);
}

/** Minimises `loss` over `vars` with `opt`; returns the loss value (a blocking read). */
export function minimize(opt: tf.Optimizer, vars: tf.Variable[], loss: () => tf.Scalar): number {
  const cost = opt.minimize(loss, true, vars);
  const v = cost!.dataSync()[0];
  cost!.dispose();
  return v;
}
