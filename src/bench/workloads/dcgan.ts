/**
 * dcgan (WORKLOADS.md): one D step and one non-saturating G step on 64 x 28x28x1.
 * G = dense(100 -> 7x7x128) BN ReLU, convT4x4(64, s2) BN ReLU, convT4x4(1, s2) tanh;
 * D = conv4x4(64, s2) LReLU(0.2), conv4x4(128, s2) BN LReLU(0.2), dense(1); Adam 2e-4, beta1 0.5.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Sequential, Dense, Conv2d, ConvTranspose2d, BatchNorm, relu, tanh, leakyRelu, flatten, reshape } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import type { WorkloadSpec } from '../workload.js';
import { makeAdam, minimize } from '../adam_step.js';
import { bceWithLogitsMean } from '../losses.js';

export const dcgan: WorkloadSpec = {
  name: 'dcgan',
  description: 'DCGAN D step + G step, 64 x 28x28x1, Adam(2e-4, 0.5)',
  target: 0.8,
  build(rng: Rng, scale = 1) {
    const G = new Sequential([
      new Dense(rng, 100, 7 * 7 * 128), reshape([7, 7, 128]), new BatchNorm(128), relu,
      new ConvTranspose2d(rng, 128, 64, 4, { stride: 2, padding: 1 }), new BatchNorm(64), relu,
      new ConvTranspose2d(rng, 64, 1, 4, { stride: 2, padding: 1 }), tanh,
    ]);
    const D = new Sequential([
      new Conv2d(rng, 1, 64, 4, { stride: 2, padding: 1 }), leakyRelu(0.2),
      new Conv2d(rng, 64, 128, 4, { stride: 2, padding: 1 }), new BatchNorm(128), leakyRelu(0.2),
      flatten, new Dense(rng, 128 * 7 * 7, 1),
    ]);
    const b = Math.max(2, Math.round(64 * scale));
    const real = tf.tensor(rng.uniformArray(b * 28 * 28, -1, 1), [b, 28, 28, 1]);
    const optG = makeAdam(2e-4, 0.5);
    const optD = makeAdam(2e-4, 0.5);
    const gVars = G.parameters();
    const dVars = D.parameters();
    return {
      params: G.numParameters() + D.numParameters(),
      step: () => {
        const z = tf.tensor(rng.normalArray(b * 100), [b, 100]);
        const fake = G.apply(z); // [B, 28, 28, 1]; D's step sees it as a constant (detached)
        const ld = minimize(optD, dVars, () => tf.add(bceWithLogitsMean(D.apply(real), 1), bceWithLogitsMean(D.apply(fake), 0)) as tf.Scalar);
        fake.dispose();
        // Non-saturating generator loss: -log D(G(z)) = BCE(D(G(z)), 1).
        const lg = minimize(optG, gVars, () => bceWithLogitsMean(D.apply(G.apply(z)), 1));
        z.dispose();
        return ld + lg;
      },
      dispose: () => {
        G.dispose();
        D.dispose();
        real.dispose();
        optG.dispose();
        optD.dispose();
      },
    };
  },
};
