/**
 * What the multistep ODE solvers (DPM-Solver++, UniPC) share: the visited timesteps, their
 * log signal-to-noise ratios, and the history of clean-sample predictions.
 *
 * With alpha_t = sqrt(abar_t) and sigma_t = sqrt(1 - abar_t), the probability-flow ODE of the
 * VP diffusion, written for the data prediction x0(x_t, t), has the exact solution
 * (Lu et al. 2022, DPM-Solver++, eq. 8)
 *   x_t = (sigma_t / sigma_s) x_s + sigma_t int_{lambda_s}^{lambda_t} e^{lambda} x0(x_lambda) dlambda,
 *   lambda_t = log(alpha_t / sigma_t)   (half the log SNR; increases as t goes to 0).
 * The solvers differ in how they approximate x0 over the interval from past predictions.
 * After the last visited timestep they step to the clean sample (sigma = 0, lambda = +inf),
 * where the first-order update x = x0(x_s) is exact in the limit; so, as DDIM here, the last
 * step returns the last clean-sample prediction.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';

/** alpha, sigma and lambda at a visited timestep, or at the clean end (t = -1). */
export interface Marginal {
  alpha: number;
  sigma: number;
  lambda: number;
}

export function marginalAt(s: NoiseSchedule, t: number): Marginal {
  if (t < 0) return { alpha: 1, sigma: 0, lambda: Infinity };
  const abar = s.alphaBar[t];
  const alpha = Math.sqrt(abar);
  const sigma = Math.sqrt(1 - abar);
  return { alpha, sigma, lambda: Math.log(alpha) - Math.log(sigma) };
}

/**
 * The past clean-sample predictions m_j at visited timesteps, newest last, with their lambdas.
 * The tensors are kept (tf.keep) across the sampling loop's tidy scopes and freed when pushed
 * out, on reset, or after the last step.
 */
export class PredictionHistory {
  private readonly items: { t: number; lambda: number; x0: tf.Tensor }[] = [];
  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  /** The i-th newest (0 = newest). */
  at(i: number): { t: number; lambda: number; x0: tf.Tensor } {
    return this.items[this.items.length - 1 - i];
  }

  push(t: number, lambda: number, x0: tf.Tensor): void {
    this.items.push({ t, lambda, x0: tf.keep(tf.clone(x0)) });
    while (this.items.length > this.capacity) this.items.shift()!.x0.dispose();
  }

  clear(): void {
    for (const it of this.items) it.x0.dispose();
    this.items.length = 0;
  }
}

/**
 * Where in its timestep list a multistep solver is: a solver instance may be reused for several
 * sampling runs, or entered part-way (startAt), so any t that does not follow the last one
 * visited starts a new run.
 */
export class StepCursor {
  private last: number | null = null;
  constructor(private readonly timesteps: number[]) {}

  /** Index of t in the timesteps, and whether it begins a new run. */
  enter(t: number): { index: number; fresh: boolean } {
    const index = this.timesteps.indexOf(t);
    if (index < 0) throw new Error(`timestep ${t} is not in this solver's schedule`);
    const fresh = this.last === null || index === 0 || this.timesteps.indexOf(this.last) !== index - 1;
    this.last = index === this.timesteps.length - 1 ? null : t;
    return { index, fresh };
  }

  /** The timestep after index (-1: the clean end). */
  next(index: number): number {
    return index + 1 < this.timesteps.length ? this.timesteps[index + 1] : -1;
  }
}

/** Solves the small dense system A w = b (n <= 3) by Gaussian elimination with partial pivoting. */
export function solveSmall(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row.slice(0, n), b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    if (M[c][c] === 0) throw new Error('solveSmall: singular system');
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const w = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = M[r][n];
    for (let k = r + 1; k < n; k++) acc -= M[r][k] * w[k];
    w[r] = acc / M[r][r];
  }
  return w;
}
