/**
 * Shared plumbing of the reconstruct / interpolate / manifold commands: choosing test images
 * and preparing them as the model saw its training data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadSource } from '../../data/index.js';
import type { ImageDataset } from '../../data/types.js';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { VaeConfig } from './config.js';
import { initBackend } from '../../backend/index.js';

/** Loads the images of `spec` (test split unless the spec names one). */
export async function loadImages(spec: string, command: string): Promise<ImageDataset> {
  const split = /:(train|test)$/.test(spec) ? undefined : 'test';
  const ds = await loadSource(spec, { split });
  if (ds.kind !== 'images') throw new UserError(`${command}: --data ${spec} holds 2-D points; this command needs images`);
  return ds;
}

/**
 * `count` distinct images drawn at random (seeded), as [count, H, W, C]. Inputs are shown as the
 * model was trained on them, except that dynamically binarised models get the grey levels (the
 * expected binary image) rather than one random binarisation.
 */
export function pickImages(ds: ImageDataset, count: number, rng: Rng, binarize: VaeConfig['binarize']): tf.Tensor4D {
  if (count > ds.n) throw new UserError(`asked for ${count} images but ${ds.source}:${ds.split} has ${ds.n}`);
  const per = ds.height * ds.width * ds.channels;
  const idx = rng.permutation(ds.n).subarray(0, count);
  const out = new Float32Array(count * per);
  idx.forEach((i, k) => out.set(ds.pixels.subarray(i * per, (i + 1) * per), k * per));
  if (binarize === 'threshold') for (let k = 0; k < out.length; k++) out[k] = out[k] > 0.5 ? 1 : 0;
  return tf.tensor4d(out, [count, ds.height, ds.width, ds.channels]);
}

/** Checks the images have the shape the model was built for. */
export function checkShape(ds: ImageDataset, shape: number[], spec: string): void {
  const got = [ds.height, ds.width, ds.channels];
  if (got.join() !== shape.join()) throw new UserError(`--data ${spec}: images are ${got.join('x')} but the run's model takes ${shape.join('x')}`);
}

/** The --backend option of the figure commands, as in `genlab sample`. */
export async function startBackend(choice: string | undefined): Promise<void> {
  const allowed = ['auto', 'wasm', 'cpu', 'node'] as const;
  const c = choice ?? 'auto';
  if (!(allowed as readonly string[]).includes(c)) throw new UserError(`--backend must be one of ${allowed.join('|')}, got '${c}'`);
  await initBackend({ backend: c as (typeof allowed)[number] });
}
