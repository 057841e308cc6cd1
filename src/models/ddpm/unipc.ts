/**
 * UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of
 * Diffusion Models"), the B(h) = e^h - 1 variant ("bh2") in the data prediction m = x0(x_t, t),
 * with alpha, sigma, lambda as in solver_steps.ts.
 *
 * Step from s = t_j to t = t_{j+1}, h = lambda_t - lambda_s, order p (1..3), with
 *   phi_1 = e^{-h} - 1,   B = e^{-h} - 1 (bh2, written for -h as the paper does for data prediction)
 *   r_k   = (lambda_{t_{j-k}} - lambda_s) / h,   D_k = (m_{j-k} - m_j) / r_k   for k = 1..p-1,  r_p = 1
 *   R     = [r_k^(i-1)]  (rows i = 1..p, columns k = 1..p)
 *   g_i   = i! psi_i / B,  psi_1 = phi_1 / (-h) - 1,  psi_{i+1} = psi_i / (-h) - 1 / (i+1)!
 *           (the Taylor remainders of e^{-h}, as in the paper's Algorithm 2 and diffusers)
 *   UniP (predictor):  x_t = (sigma_t/sigma_s) x_s - alpha_t phi_1 m_j - alpha_t B sum_{k<p} a_k D_k,
 *                      a = R[1..p-1, 1..p-1]^{-1} g[1..p-1]   (a = [1/2] for p = 2)
 *   UniC (corrector), once m_{t} = x0(x_t, t) is known at the next step (no extra evaluation):
 *                      x_t^c = (sigma_t/sigma_s) x_s - alpha_t phi_1 m_j
 *                              - alpha_t B (sum_{k<p} c_k D_k + c_p (m_t - m_j)),
 *                      c = R^{-1} g   (c = [1/2] for p = 1)
 * The corrected x_t^c is where the next predictor starts; m_t, evaluated at the uncorrected x_t,
 * is used as it is. Orders warm up (p = 1, 2, ... as predictions accumulate) and fall at the end
 * (p <= steps left, this one included), and the last step goes to the clean end (x = m), as DDIM's does.
 * Deterministic: the step noise is ignored.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from './noise_schedule.js';
import type { X0Eps } from './predict.js';
import type { Sampler } from './sampler.js';
import { ddimTimesteps, type TimestepSpacing } from './ddim_sampler.js';
import { PredictionHistory, StepCursor, marginalAt, solveSmall } from './solver_steps.js';

export interface UniPcOptions {
  /** Network evaluations (visited timesteps). */
  steps: number;
  spacing: TimestepSpacing;
  /** Solver order, 1..3 (default 2, as diffusers uses for guided and small models). */
  order?: number;
}

/** The predictor/corrector weights for order p over the interval of length h (see the header). */
export function unipcWeights(h: number, rks: number[]): { phi1: number; B: number; predictor: number[]; corrector: number[] } {
  const p = rks.length; // rks = [r_1..r_{p-1}, 1]
  const hh = -h;
  const phi1 = Math.expm1(hh); // e^{-h} - 1
  const B = Math.expm1(hh);
  let hphi = phi1 / hh - 1;
  let factorial = 1;
  const R: number[][] = [];
  const g: number[] = [];
  for (let i = 1; i <= p; i++) {
    R.push(rks.map((r) => r ** (i - 1)));
    g.push((hphi * factorial) / B);
    factorial *= i + 1;
    hphi = hphi / hh - 1 / factorial;
  }
  const predictor = p === 1 ? [] : p === 2 ? [0.5] : solveSmall(R.slice(0, p - 1).map((row) => row.slice(0, p - 1)), g.slice(0, p - 1));
  const corrector = p === 1 ? [0.5] : solveSmall(R, g);
  return { phi1, B, predictor, corrector };
}

export class UniPcSampler implements Sampler {
  readonly timesteps: number[];
  readonly order: number;
  private readonly cursor: StepCursor;
  private readonly history: PredictionHistory;
  /** The previous step's start x_s (after its correction), its index and order, for the corrector. */
  private last: { x: tf.Tensor; index: number; order: number } | null = null;

  constructor(readonly schedule: NoiseSchedule, opts: UniPcOptions) {
    this.order = opts.order ?? 2;
    if (!Number.isInteger(this.order) || this.order < 1 || this.order > 3) throw new Error(`UniPC order must be 1, 2 or 3, got ${opts.order}`);
    this.timesteps = ddimTimesteps(schedule.T, opts.steps, opts.spacing);
    this.cursor = new StepCursor(this.timesteps);
    this.history = new PredictionHistory(this.order);
  }

  private forget(): void {
    this.history.clear();
    this.last?.x.dispose();
    this.last = null;
  }

  /**
   * The update from x_s at timestep index `from` with the newest prediction m_j = history[0]
   * (older ones history[k]) to the next timestep, with order p; `corrector` adds m_t.
   */
  private update(xs: tf.Tensor, from: number, p: number, mt: tf.Tensor | null): tf.Tensor {
    const s = marginalAt(this.schedule, this.timesteps[from]);
    const e = marginalAt(this.schedule, this.cursor.next(from));
    const h = e.lambda - s.lambda;
    // history[0] is m_j (at s); for the corrector, m_t is not yet in the history.
    const mj = this.history.at(0).x0;
    const rks: number[] = [];
    const ds: tf.Tensor[] = [];
    for (let k = 1; k < p; k++) {
      const older = this.history.at(k);
      const r = (older.lambda - s.lambda) / h;
      rks.push(r);
      ds.push(tf.div(tf.sub(older.x0, mj), r)); // D_k = (m_{j-k} - m_j) / r_k
    }
    rks.push(1);
    const w = unipcWeights(h, rks);
    // (sigma_t / sigma_s) x_s - alpha_t phi_1 m_j
    let x = tf.sub(tf.mul(xs, e.sigma / s.sigma), tf.mul(mj, e.alpha * w.phi1));
    const coefs = mt ? w.corrector : w.predictor;
    const terms: tf.Tensor[] = ds.map((d, k) => tf.mul(d, coefs[k]));
    if (mt) terms.push(tf.mul(tf.sub(mt, mj), coefs[p - 1])); // c_p (m_t - m_j)
    if (terms.length) x = tf.sub(x, tf.mul(tf.addN(terms), e.alpha * w.B));
    return x;
  }

  step(pred: X0Eps, t: number, xt: tf.Tensor, _noise: tf.Tensor | null): tf.Tensor {
    const { index, fresh } = this.cursor.enter(t);
    if (fresh) this.forget();
    const lambda = marginalAt(this.schedule, t).lambda;
    return tf.tidy(() => {
      // UniC: correct this step's start with the prediction just made at it.
      let xs = xt;
      if (this.last) xs = this.update(this.last.x, this.last.index, this.last.order, pred.x0);
      this.history.push(t, lambda, pred.x0);
      const last = index === this.timesteps.length - 1;
      if (last) {
        this.forget();
        return tf.clone(pred.x0); // to the clean end: x = m
      }
      // Warm-up (as many past predictions as there are) and the fall at the end (steps left).
      const p = Math.min(this.order, this.history.length, this.timesteps.length - index);
      const next = this.update(xs, index, p, null);
      this.last?.x.dispose();
      this.last = { x: tf.keep(tf.clone(xs)), index, order: p };
      return next;
    });
  }
}
