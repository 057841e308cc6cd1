/**
 * The diffusion panel's sampling, without the page: a DDPM run's samples with the chosen
 * sampler, class and guidance weight, and the clean-image prediction x0|t of every visited step
 * (the denoising trajectory). DOM-free, so the browser test runs the same code in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, ddpm, type TrainableModel } from '../../src/index.js';

export type SamplerKind = 'ddim' | 'dpm++2m' | 'unipc';
export const SAMPLERS: readonly SamplerKind[] = ['ddim', 'dpm++2m', 'unipc'];

export interface DiffusionSettings {
  n: number;
  /** Network evaluations (visited timesteps). */
  steps: number;
  sampler: SamplerKind;
  /** One class for every image, 'cycle' for 0, 1, 2, ... (class-conditional models), or null: unconditional. */
  label: number | 'cycle' | null;
  /** Guidance weight w (classifier-free: out = (1 + w) out_c - w out_u); 0 = the conditional model alone. */
  guidance: number;
  seed: number;
  /** Keep x0|t of every step (the trajectory); default true. */
  trajectory?: boolean;
}

export interface DiffusionResult {
  /** [n, H, W, C] in [0, 1]. */
  pixels: Float32Array;
  shape: [number, number, number];
  labels: number[] | null;
  /** x0|t per visited step, mapped to [0, 1] and clipped, [n, H, W, C] each; with the step's t. */
  trajectory: { t: number; pixels: Float32Array }[];
  ms: number;
}

export function labelsFor(model: ddpm.DdpmModel, s: Pick<DiffusionSettings, 'n' | 'label'>): number[] | null {
  if (model.numClasses === 0 || s.label === null) return null;
  return Array.from({ length: s.n }, (_, i) => (s.label === 'cycle' ? i % model.numClasses : (s.label as number)));
}

/** DDIM deterministic (eta 0), trailing spacing: the studio's and the browser test's sampler settings. */
export function samplerConfig(s: Pick<DiffusionSettings, 'sampler' | 'steps'>): ddpm.SamplerConfig {
  return { kind: s.sampler, steps: s.steps, eta: 0, spacing: 'trailing' };
}

export async function sampleDigits(model: TrainableModel, s: DiffusionSettings): Promise<DiffusionResult> {
  if (!(model instanceof ddpm.DdpmModel)) throw new Error('diffusion: the run is not a DDPM');
  if (model.data.kind !== 'images') throw new Error('diffusion: the DDPM is not an image model');
  const shape = model.data.shape as [number, number, number];
  const labels = labelsFor(model, s);
  const trajectory: DiffusionResult['trajectory'] = [];
  const keep = s.trajectory ?? true;
  const t0 = performance.now();
  const x = model.sampleWith(
    s.n,
    new Rng(s.seed),
    samplerConfig(s),
    keep
      ? (t, _x, x0) => {
          const unit = tf.tidy(() => tf.clipByValue(tf.mul(tf.add(x0, 1), 0.5), 0, 1)); // [-1, 1] -> [0, 1]
          trajectory.push({ t, pixels: unit.dataSync() as Float32Array });
          unit.dispose();
        }
      : undefined,
    undefined,
    labels ? { labels, guidance: s.guidance } : undefined,
  );
  try {
    const pixels = (await x.data()) as Float32Array;
    return { pixels, shape, labels, trajectory, ms: performance.now() - t0 };
  } finally {
    x.dispose();
  }
}
