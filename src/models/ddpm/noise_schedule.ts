/**
 * Every coefficient of Ho et al. (2020) that follows from the betas, in float64.
 * Arrays are indexed by t = i - 1 for diffusion step i = 1..T: t is the 0-based timestep
 * the network sees (as in PyTorch and diffusers code), i the paper's step.
 *
 *   alpha_i      = 1 - beta_i
 *   abar_i       = prod_{j<=i} alpha_j                      q(x_i | x_0) = N(sqrt(abar_i) x_0, (1 - abar_i) I)
 *   beta_tilde_i = (1 - abar_{i-1}) / (1 - abar_i) beta_i    posterior variance of q(x_{i-1} | x_i, x_0)
 *   mu_tilde     = c0_i x_0 + ci_i x_i, with
 *     c0_i = sqrt(abar_{i-1}) beta_i / (1 - abar_i),   ci_i = sqrt(alpha_i) (1 - abar_{i-1}) / (1 - abar_i)
 * with abar_0 = 1.
 */
import { betaSchedule, type BetaScheduleConfig } from './schedules.js';

export class NoiseSchedule {
  readonly T: number;
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphaBar: Float64Array;
  /** abar_{i-1}, with abar_0 = 1. */
  readonly alphaBarPrev: Float64Array;
  readonly posteriorVariance: Float64Array;
  readonly posteriorCoefX0: Float64Array;
  readonly posteriorCoefXt: Float64Array;

  constructor(betas: Float64Array) {
    const T = betas.length;
    this.T = T;
    this.betas = betas;
    this.alphas = new Float64Array(T);
    this.alphaBar = new Float64Array(T);
    this.alphaBarPrev = new Float64Array(T);
    this.posteriorVariance = new Float64Array(T);
    this.posteriorCoefX0 = new Float64Array(T);
    this.posteriorCoefXt = new Float64Array(T);
    let abar = 1;
    for (let k = 0; k < T; k++) {
      const beta = betas[k];
      if (!(beta > 0 && beta < 1)) throw new Error(`beta_${k + 1} = ${beta} is outside (0, 1)`);
      const prev = abar;
      abar *= 1 - beta;
      this.alphas[k] = 1 - beta;
      this.alphaBar[k] = abar;
      this.alphaBarPrev[k] = prev;
      this.posteriorVariance[k] = ((1 - prev) / (1 - abar)) * beta;
      this.posteriorCoefX0[k] = (Math.sqrt(prev) * beta) / (1 - abar);
      this.posteriorCoefXt[k] = (Math.sqrt(1 - beta) * (1 - prev)) / (1 - abar);
    }
  }

  static fromConfig(cfg: BetaScheduleConfig): NoiseSchedule {
    return new NoiseSchedule(betaSchedule(cfg));
  }

  /** abar at step i (1..T); abar at step 0 is 1. */
  abar(i: number): number {
    return i === 0 ? 1 : this.alphaBar[i - 1];
  }
}
