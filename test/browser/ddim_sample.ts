/**
 * The sampling both sides of the browser test run: the pretrained DDPM, DDIM with few steps
 * (eta 0: deterministic after the starting noise), a fixed seed. Imported by the page bundle and
 * by the Node test, so both run the same code on the same kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, ddpm, type TrainableModel } from '../../src/index.js';

export const SAMPLE = { n: 4, steps: 10, seed: 0 } as const;

/** [n, 28, 28, 1] pixels in [0, 1] of DDIM-`steps` samples from `model` (a DdpmModel). */
export async function ddimPixels(model: TrainableModel): Promise<Float32Array> {
  if (!(model instanceof ddpm.DdpmModel)) throw new Error('not a DDPM run');
  const x = model.sampleWith(SAMPLE.n, new Rng(SAMPLE.seed), { kind: 'ddim', steps: SAMPLE.steps, eta: 0, spacing: 'trailing' });
  try {
    return (await x.data()) as Float32Array;
  } finally {
    tf.dispose(x);
  }
}
