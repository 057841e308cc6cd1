/**
 * conv-ae (WORKLOADS.md): conv3x3(32) relu, conv3x3(64, s2) relu, conv3x3(64) relu,
 * convT3x3(32, s2) relu, conv3x3(1); MSE to the input; Adam 1e-3. Batch 64 x 28x28x1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Sequential, Conv2d, ConvTranspose2d, relu } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import type { WorkloadSpec } from '../workload.js';
import { makeAdam, minimize } from '../adam_step.js';
import { mse } from '../losses.js';

export const convAe: WorkloadSpec = {
  name: 'conv-ae',
  description: 'conv autoencoder, 64 x 28x28x1, MSE, Adam',
  target: 1.0,
  build(rng: Rng, scale = 1) {
    const net = new Sequential([
      new Conv2d(rng, 1, 32, 3, { padding: 1 }), relu,
      new Conv2d(rng, 32, 64, 3, { stride: 2, padding: 1 }), relu,
      new Conv2d(rng, 64, 64, 3, { padding: 1 }), relu,
      new ConvTranspose2d(rng, 64, 32, 3, { stride: 2, padding: 1, outputPadding: 1 }), relu,
      new Conv2d(rng, 32, 1, 3, { padding: 1 }),
    ]);
    const b = Math.max(1, Math.round(64 * scale));
    const x = tf.tensor(rng.uniformArray(b * 28 * 28), [b, 28, 28, 1]); // [B, 28, 28, 1]
    const opt = makeAdam(1e-3);
    const vars = net.parameters();
    return {
      params: net.numParameters(),
      step: () => minimize(opt, vars, () => mse(net.apply(x), x)),
      dispose: () => {
        net.dispose();
        x.dispose();
        opt.dispose();
      },
    };
  },
};
