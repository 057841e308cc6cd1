/**
 * The restoration methods behind one name each, on a batch: 'pinv' (A+ y), 'ddnm' and 'ddnm+'
 * (a DDPM prior, ddnm.ts), 'dgp' (a GAN prior, dgp.ts), 'vae' (a VAE prior, vae_inpaint.ts).
 * Every method takes the [0, 1] measurement y and returns its raw estimate x_hat in [0, 1]
 * units (not clipped, so that ||A x_hat - y|| is the method's own).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.js';
import type { TrainableModel } from '../train/types.js';
import { DdpmModel } from '../models/ddpm/model.js';
import { GanModel } from '../models/gan/model.js';
import { VaeModel } from '../models/vae/model.js';
import type { LinearOperator } from './operators/operator.js';
import { ddnmRestore, ddnmEvaluations, DDNM_DEFAULTS, type DdnmConfig } from './ddnm.js';
import { dgpRestore, DGP_DEFAULTS, type DgpConfig } from './dgp.js';
import { vaeRestore, VAE_RESTORE_DEFAULTS, type VaeRestoreConfig } from './vae_inpaint.js';

export const METHODS = ['pinv', 'ddnm', 'ddnm+', 'dgp', 'vae'] as const;
export type RestoreMethod = (typeof METHODS)[number];

/** The model family each method needs (null: none). */
export const METHOD_MODEL: Record<RestoreMethod, 'ddpm' | 'gan' | 'vae' | null> = { pinv: null, ddnm: 'ddpm', 'ddnm+': 'ddpm', dgp: 'gan', vae: 'vae' };

export interface MethodSettings {
  /** DDNM and DDNM+ (sigmaY comes from the task for DDNM+, 0 for DDNM). */
  ddnm: Omit<DdnmConfig, 'sigmaY'>;
  /** Time travel of DDNM+ (DDNM's own is ddnm.travelLength / travelRepeat). */
  ddnmPlusTravel: { travelLength: number; travelRepeat: number };
  dgp: DgpConfig;
  vae: Omit<VaeRestoreConfig, 'sigmaY'>;
}

export const METHOD_DEFAULTS: MethodSettings = {
  ddnm: { steps: DDNM_DEFAULTS.steps, eta: DDNM_DEFAULTS.eta, spacing: DDNM_DEFAULTS.spacing, travelLength: 1, travelRepeat: 1, eps: DDNM_DEFAULTS.eps },
  // DDNM+: time travel of 5 steps, twice (the paper's Sec. 3.3 trick; doubles the evaluations).
  ddnmPlusTravel: { travelLength: 5, travelRepeat: 2 },
  dgp: DGP_DEFAULTS,
  vae: { iterations: VAE_RESTORE_DEFAULTS.iterations, lr: VAE_RESTORE_DEFAULTS.lr, restarts: VAE_RESTORE_DEFAULTS.restarts, likelihood: VAE_RESTORE_DEFAULTS.likelihood, sigmaFloor: VAE_RESTORE_DEFAULTS.sigmaFloor },
};

/** The DDNM config a method runs with. */
export function ddnmConfigFor(method: 'ddnm' | 'ddnm+', s: MethodSettings, sigmaY: number): DdnmConfig {
  return method === 'ddnm' ? { ...s.ddnm, sigmaY: 0 } : { ...s.ddnm, ...s.ddnmPlusTravel, sigmaY };
}

export interface BatchContext {
  method: RestoreMethod;
  model: TrainableModel | null;
  op: LinearOperator;
  /** [0, 1] measurement [B, ...op.measurementShape]. */
  y: tf.Tensor;
  sigmaY: number;
  settings: MethodSettings;
  rng: Rng;
  onProgress?: (done: number, total: number) => void;
}

/** x_hat in [0, 1] units, [B, H, W, C], not clipped; the caller disposes it. */
export function restoreBatch(c: BatchContext): tf.Tensor {
  switch (c.method) {
    case 'pinv':
      return c.op.pinv(c.y);
    case 'ddnm':
    case 'ddnm+': {
      if (!(c.model instanceof DdpmModel)) throw new Error(`${c.method}: needs a DDPM`);
      const config = ddnmConfigFor(c.method, c.settings, c.sigmaY);
      return ddnmRestore({ predict: c.model.predictor(), schedule: c.model.schedule, op: c.op, y: c.y, config, rng: c.rng, onProgress: c.onProgress });
    }
    case 'dgp': {
      if (!(c.model instanceof GanModel)) throw new Error('dgp: needs a GAN');
      return dgpRestore({ prior: c.model, op: c.op, y: c.y, config: c.settings.dgp, sigmaY: c.sigmaY, rng: c.rng, onProgress: c.onProgress }).x;
    }
    case 'vae': {
      if (!(c.model instanceof VaeModel)) throw new Error('vae: needs a VAE');
      return vaeRestore(c.model, c.op, c.y, { ...c.settings.vae, sigmaY: c.sigmaY }, c.rng).x;
    }
  }
}

/** Work units per image for progress: network evaluations (DDNM), images (DGP), 1 otherwise. */
export function workPerBatch(method: RestoreMethod, s: MethodSettings, sigmaY: number, b: number): number {
  if (method === 'ddnm' || method === 'ddnm+') return ddnmEvaluations(ddnmConfigFor(method, s, sigmaY));
  if (method === 'dgp') return b;
  return 1;
}
