/**
 * The variational bound on test images for `genlab eval --metric nll` (nll.ts), averaged over
 * the examples and reported in bits per dimension, term by term.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { TrainableModel } from '../../train/types.js';
import type { Dataset } from '../../data/types.js';
import { unitToSymmetric } from '../../math/scaling.js';
import { DdpmModel } from './model.js';
import { variationalBound, natsToBpd } from './nll.js';

/** `genlab eval RUN --metric nll`: the bound in bits/dim on test images (stratified over timesteps). */
export async function likelihood(model: TrainableModel, dataset: Dataset, opts: { k: number; n?: number; rng: Rng; onProgress?: (done: number, total: number) => void }): Promise<Record<string, number>> {
  if (!(model instanceof DdpmModel)) throw new Error('likelihood: not a DDPM model');
  const m = model;
  if (dataset.kind !== 'images') throw new UserError('nll: the diffusion bound is defined here for images on 256 levels');
  const n = Math.min(opts.n ?? 1000, dataset.n);
  const [h, w, c] = [dataset.height, dataset.width, dataset.channels];
  const per = h * w * c;
  const batch = 50;
  let total = 0;
  let prior = 0;
  let decoder = 0;
  let diffusion = 0;
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const x = tf.tidy(() => unitToSymmetric(tf.tensor(dataset.pixels.subarray(i * per, (i + b) * per), [b, h, w, c]))); // [b, H, W, C] in [-1, 1]
    const r = variationalBound(m, x, { timesteps: opts.k, rng: opts.rng });
    x.dispose();
    for (let j = 0; j < b; j++) {
      total += r.totalNats[j];
      prior += r.prior[j];
      decoder += r.decoder[j];
      diffusion += r.diffusion[j];
    }
    opts.onProgress?.(Math.min(i + b, n), n);
  }
  const shape = [1, h, w, c];
  return {
    nll_bpd: natsToBpd(total / n, shape),
    nll_nats: total / n,
    prior_bpd: natsToBpd(prior / n, shape),
    diffusion_bpd: natsToBpd(diffusion / n, shape),
    decoder_bpd: natsToBpd(decoder / n, shape),
    timesteps: Math.min(opts.k, m.schedule.T - 1),
    n,
  };
}
