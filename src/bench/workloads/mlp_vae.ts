/**
 * mlp-vae (WORKLOADS.md): Bernoulli VAE on 128 x 784 binary vectors, encoder 784-512-512-(2x32),
 * decoder 32-512-512-784, z = mu + exp(logvar / 2) eps, loss = (BCE-with-logits sum + KL) / B,
 * KL = 0.5 sum(mu^2 + exp(logvar) - 1 - logvar); Adam 1e-3.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Sequential, Dense, relu } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import type { WorkloadSpec } from '../workload.js';
import { makeAdam, minimize } from '../adam_step.js';
import { bceWithLogitsSum } from '../losses.js';

export const mlpVae: WorkloadSpec = {
  name: 'mlp-vae',
  description: 'Bernoulli MLP VAE, 128 x 784, Adam',
  target: 0.8,
  build(rng: Rng, scale = 1) {
    const d = 784;
    const h = 512;
    const z = 32;
    const enc = new Sequential([new Dense(rng, d, h), relu, new Dense(rng, h, h), relu, new Dense(rng, h, 2 * z)]);
    const dec = new Sequential([new Dense(rng, z, h), relu, new Dense(rng, h, h), relu, new Dense(rng, h, d)]);
    const b = Math.max(1, Math.round(128 * scale));
    const x = tf.tensor(Float32Array.from(rng.uniformArray(b * d), (u) => (u > 0.5 ? 1 : 0)), [b, d]); // [B, 784]
    const opt = makeAdam(1e-3);
    const vars = [...enc.parameters(), ...dec.parameters()];
    return {
      params: enc.numParameters() + dec.numParameters(),
      step: () => {
        const eps = tf.tensor(rng.normalArray(b * z), [b, z]);
        const loss = minimize(opt, vars, () => {
          const [mu, logvar] = tf.split(enc.apply(x), 2, 1); // [B, z] each
          const zs = tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps));
          const rec = bceWithLogitsSum(dec.apply(zs), x);
          const kl = tf.mul(0.5, tf.sum(tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), 1), logvar)));
          return tf.div(tf.add(rec, kl), b) as tf.Scalar;
        });
        eps.dispose();
        return loss;
      },
      dispose: () => {
        enc.dispose();
        dec.dispose();
        x.dispose();
        opt.dispose();
      },
    };
  },
};
