/**
 * One Adam step on a loss over a module's parameters: the workloads' optimiser is genlab's own
 * (train/optimizers.ts, with the fused update kernel), as in every `genlab train` run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '../train/optimizers.js';

export function makeAdam(lr: number, beta1 = 0.9, beta2 = 0.999): Adam {
  return new Adam({ kind: 'adam', lr, beta1, beta2, eps: 1e-8 });
}

/** Minimises `loss` over `vars` with `opt`; returns the loss value (a blocking read). */
export function minimize(opt: Adam, vars: tf.Variable[], loss: () => tf.Scalar): number {
  const { value, grads } = tf.variableGrads(loss, vars);
  opt.apply(vars, vars.map((v) => grads[v.name]), opt.config.lr);
  tf.dispose(grads);
  const v = value.dataSync()[0];
  value.dispose();
  return v;
}
