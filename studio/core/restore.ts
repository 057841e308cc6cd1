/**
 * The restoration panel's work, without the page: a degradation A of one test digit, its
 * measurement y = A x (+ sigma_y noise for denoising), the pseudo-inverse A+ y, and DDNM's
 * restoration from the DDPM prior (src/restore: the operators, restoreBatch's 'ddnm' / 'ddnm+'),
 * with PSNR against the digit and the consistency max |A x_hat - y|. DOM-free, so the browser
 * test runs the same code in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type TrainableModel } from '../../src/index.js';
import { makeMask, makeOperator, measure, psnr, restoreBatch, METHOD_DEFAULTS, TASK_DEFAULTS, type LinearOperator, type TaskSpec } from '../../src/restore/index.js';

export type Degradation = 'box' | 'sr2' | 'sr4' | 'denoise' | 'mask';
export const DEGRADATIONS: readonly Degradation[] = ['box', 'sr2', 'sr4', 'denoise', 'mask'];

export interface RestoreSettings {
  degradation: Degradation;
  /** 'mask': the drawn mask [H W], 1 = known (the default: nothing missing). */
  mask?: Float32Array;
  /** DDNM's visited timesteps (the authors use 100; fewer is faster and a little blurrier). */
  steps: number;
  seed: number;
}

export function taskFor(s: RestoreSettings, h: number, w: number): TaskSpec {
  switch (s.degradation) {
    case 'box':
      return { task: 'inpaint', mask: { kind: 'box', size: TASK_DEFAULTS.box }, sigmaY: 0 };
    case 'mask':
      return { task: 'inpaint', mask: { kind: 'image', pixels: s.mask ?? new Float32Array(h * w).fill(1) }, sigmaY: 0 };
    case 'sr2':
      return { task: 'sr', factor: 2, sigmaY: 0 };
    case 'sr4':
      return { task: 'sr', factor: 4, sigmaY: 0 };
    case 'denoise':
      return { task: 'denoise', sigmaY: TASK_DEFAULTS.denoiseSigma };
  }
}

export interface RestoreResult {
  /** The measurement as an image: y itself for inpainting and denoising, its pixels for SR ([h/f, w/f]). */
  y: { pixels: Float32Array; height: number; width: number };
  /** Inpainting: the mask [H W], 1 = known (to show which pixels y lacks); null otherwise. */
  known: Float32Array | null;
  /** A+ y, [H W] in [0, 1] units. */
  pinv: Float32Array;
  /** DDNM's x_hat clipped to [0, 1], [H W]. */
  restored: Float32Array;
  psnr: { pinv: number; restored: number };
  /** max |A x_hat - y| over the measurement, x_hat unclipped (DDNM: round-off for noise-free y). */
  maxResidual: number;
  method: 'ddnm' | 'ddnm+';
  ms: number;
}

const values = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

/** Restores `digit` ([H W] in [0, 1]) under the settings' degradation with `model` (a DDPM run). */
export function restoreDigit(model: TrainableModel, digit: Float32Array, shape: [number, number, number], s: RestoreSettings): RestoreResult {
  const [h, w] = shape;
  const task = taskFor(s, h, w);
  const op: LinearOperator = makeOperator(task, shape);
  const rng = new Rng(s.seed);
  const method = task.sigmaY > 0 ? 'ddnm+' : 'ddnm';
  const t0 = performance.now();
  const x = tf.tensor4d(digit, [1, h, w, 1]);
  try {
    const y = measure(op, x, task.sigmaY, rng); // [1, ...measurementShape]
    const settings = { ...METHOD_DEFAULTS, ddnm: { ...METHOD_DEFAULTS.ddnm, steps: s.steps } };
    const xhat = restoreBatch({ method, model, op, y, sigmaY: task.sigmaY, settings, rng }); // [1, H, W, 1], unclipped
    const ms = performance.now() - t0;
    const out = tf.tidy(() => ({
      pinv: op.pinv(y),
      pinvUnit: tf.clipByValue(op.pinv(y), 0, 1),
      restored: tf.clipByValue(xhat, 0, 1),
      residual: tf.max(tf.abs(tf.sub(op.apply(xhat), y))),
    }));
    const result: RestoreResult = {
      y: { pixels: values(y), height: y.shape[1] ?? h, width: y.shape[2] ?? w },
      known: task.task === 'inpaint' ? makeMask(task.mask, h, w) : null,
      pinv: values(out.pinv),
      restored: values(out.restored),
      psnr: { pinv: 0, restored: 0 },
      maxResidual: values(out.residual)[0],
      method,
      ms,
    };
    result.psnr = { pinv: psnr(values(out.pinvUnit), digit), restored: psnr(result.restored, digit) };
    tf.dispose([y, xhat, ...Object.values(out)]);
    return result;
  } finally {
    x.dispose();
    op.dispose();
  }
}
