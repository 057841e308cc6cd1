/**
 * Per-timestep weights of the denoising loss. 'none' is Ho et al.'s simple loss (weight 1 on
 * whatever the network predicts). 'min-snr' is Min-SNR-gamma (Hang et al. 2023, "Efficient
 * Diffusion Training via Min-SNR Weighting Strategy"): weight the error *of x0* by
 * min(SNR_t, gamma), SNR_t = abar_t / (1 - abar_t), so that the many nearly noise-free
 * timesteps (huge SNR) no longer dominate the gradient. For the other parameterisations the
 * same weight on x0 becomes, with x_t = sqrt(abar) x0 + sqrt(1 - abar) eps fixed,
 *   eps: ||x0 - x0_hat||^2 = ||eps - eps_hat||^2 / SNR            -> w = min(SNR, gamma) / SNR
 *   v:   ||x0 - x0_hat||^2 = ||v - v_hat||^2 (1 - abar) = .../(SNR + 1)   -> w = min(SNR, gamma) / (SNR + 1)
 *   x0:                                                             w = min(SNR, gamma)
 */
import type { NoiseSchedule } from './noise_schedule.js';
import type { Prediction } from './diffusion.js';

export type LossWeighting = 'none' | 'min-snr';

export interface LossWeightConfig {
  kind: LossWeighting;
  /** Min-SNR's gamma (5 in the paper). */
  gamma: number;
}

/** SNR_t = abar_t / (1 - abar_t). */
export function snr(s: NoiseSchedule, t: number): number {
  const a = s.alphaBar[t];
  return a / (1 - a);
}

/** The loss weight at timestep t for a network predicting `prediction` (see the header). */
export function lossWeight(s: NoiseSchedule, prediction: Prediction, cfg: LossWeightConfig, t: number): number {
  if (cfg.kind === 'none') return 1;
  const r = snr(s, t);
  const clipped = Math.min(r, cfg.gamma);
  if (prediction === 'eps') return clipped / r;
  if (prediction === 'v') return clipped / (r + 1);
  return clipped;
}

/** Weights for a batch of timesteps. */
export function lossWeights(s: NoiseSchedule, prediction: Prediction, cfg: LossWeightConfig, ts: number[]): number[] {
  return ts.map((t) => lossWeight(s, prediction, cfg, t));
}
