/**
 * Restoration tasks as typed, JSON-serialisable records, and the operator each one builds.
 * A task is an operator's settings plus the measurement noise sigma_y (in [0, 1] image units):
 *   y = A x + sigma_y A A+ n   (operators/operator.ts, measure).
 */
import type { ImageShape, LinearOperator } from './operators/operator.js';
import { InpaintOperator, type MaskSpec } from './operators/inpaint.js';
import { SuperResolutionOperator } from './operators/super_resolution.js';
import { DenoiseOperator } from './operators/denoise.js';
import { CompressedSensingOperator } from './operators/compressed_sensing.js';
import { DeblurOperator } from './operators/deblur.js';
import { ColorizeOperator } from './operators/colorize.js';

export const TASKS = ['inpaint', 'sr', 'denoise', 'cs', 'deblur', 'colorize'] as const;
export type TaskName = (typeof TASKS)[number];

export type TaskSpec =
  | { task: 'inpaint'; mask: MaskSpec; sigmaY: number }
  | { task: 'sr'; factor: number; sigmaY: number }
  | { task: 'denoise'; sigmaY: number }
  | { task: 'cs'; ratio: number; seed: number; sigmaY: number }
  | { task: 'deblur'; sigma: number; tau: number; sigmaY: number }
  | { task: 'colorize'; sigmaY: number };

/**
 * Defaults, and why: a 14 x 14 box hides the centre quarter of a 28 x 28 digit; 4x SR leaves 7 x 7;
 * sigma_y 0.2 for denoising (the table); CS keeps 25%; a blur of std 1.5 px, with A's
 * singular values below 3e-2 dropped (as the DDNM authors do), keeps 205 of 784.
 */
export const TASK_DEFAULTS = {
  box: 14,
  missing: 0.8,
  factor: 4,
  ratio: 0.25,
  blurSigma: 1.5,
  tau: 3e-2,
  denoiseSigma: 0.2,
  seed: 0,
};

export function makeOperator(spec: TaskSpec, shape: ImageShape): LinearOperator {
  switch (spec.task) {
    case 'inpaint':
      return InpaintOperator.fromSpec(shape, spec.mask);
    case 'sr':
      return new SuperResolutionOperator(shape, spec.factor);
    case 'denoise':
      return new DenoiseOperator(shape, spec.sigmaY);
    case 'cs':
      return new CompressedSensingOperator(shape, spec.ratio, spec.seed);
    case 'deblur':
      return new DeblurOperator(shape, spec.sigma, spec.tau);
    case 'colorize':
      return new ColorizeOperator(shape);
  }
}

/** A short label for tables: 'inpaint box 14', 'inpaint random 80%', 'sr 4x', 'cs 25%', 'deblur 1.5', 'denoise 0.2'. */
export function taskLabel(spec: TaskSpec): string {
  const noise = spec.sigmaY > 0 && spec.task !== 'denoise' ? ` +noise ${spec.sigmaY}` : '';
  switch (spec.task) {
    case 'inpaint': {
      const m = spec.mask;
      const what = m.kind === 'box' ? `box ${m.size}` : m.kind === 'random' ? `random ${Math.round(m.missing * 100)}%` : m.kind === 'half' ? `${m.side} half` : 'mask';
      return `inpaint ${what}${noise}`;
    }
    case 'sr':
      return `sr ${spec.factor}x${noise}`;
    case 'denoise':
      return `denoise ${spec.sigmaY}`;
    case 'cs':
      return `cs ${Math.round(spec.ratio * 100)}%${noise}`;
    case 'deblur':
      return `deblur ${spec.sigma}${noise}`;
    case 'colorize':
      return `colorize${noise}`;
  }
}
