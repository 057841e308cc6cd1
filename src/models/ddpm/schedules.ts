/**
 * Beta schedules for the forward process q(x_i | x_{i-1}) = N(sqrt(1 - beta_i) x_{i-1}, beta_i I).
 * Pure functions computed in float64; the sampler stores what it needs as float32 tensors.
 */
export type BetaScheduleKind = 'linear' | 'cosine' | 'sigmoid';

export interface BetaScheduleConfig {
  kind: BetaScheduleKind;
  /** Number of diffusion steps T (Ho et al.: 1000). */
  steps: number;
  /** linear: beta_1 and beta_T (Ho et al.: 1e-4 and 0.02). */
  betaStart?: number;
  betaEnd?: number;
  /** cosine: offset s (Nichol & Dhariwal: 0.008). */
  cosineS?: number;
  /** sigmoid: the logistic is evaluated on [start, end] / tau (Jabri et al.: -3, 3, 1). */
  sigmoidStart?: number;
  sigmoidEnd?: number;
  sigmoidTau?: number;
}

/** Largest beta allowed by the cosine and sigmoid schedules, which otherwise reach 1 at i = T. */
const MAX_BETA = 0.999;

export function betaSchedule(cfg: BetaScheduleConfig): Float64Array {
  const T = cfg.steps;
  if (!Number.isInteger(T) || T < 1) throw new Error(`schedule steps must be a positive integer, got ${T}`);
  switch (cfg.kind) {
    case 'linear':
      return linearBetas(T, cfg.betaStart ?? 1e-4, cfg.betaEnd ?? 0.02);
    case 'cosine':
      return betasFromAlphaBar(T, (u) => Math.cos(((u + (cfg.cosineS ?? 0.008)) / (1 + (cfg.cosineS ?? 0.008))) * (Math.PI / 2)) ** 2);
    case 'sigmoid': {
      const start = cfg.sigmoidStart ?? -3;
      const end = cfg.sigmoidEnd ?? 3;
      const tau = cfg.sigmoidTau ?? 1;
      const vStart = logistic(start / tau);
      const vEnd = logistic(end / tau);
      return betasFromAlphaBar(T, (u) => (vEnd - logistic((u * (end - start) + start) / tau)) / (vEnd - vStart));
    }
    default:
      throw new Error(`unknown beta schedule '${(cfg as { kind: string }).kind}' (linear|cosine|sigmoid)`);
  }
}

/** beta_i = beta_1 + (beta_T - beta_1) (i - 1) / (T - 1),  i = 1..T. */
export function linearBetas(T: number, start: number, end: number): Float64Array {
  const b = new Float64Array(T);
  for (let i = 0; i < T; i++) b[i] = T === 1 ? start : start + ((end - start) * i) / (T - 1);
  return b;
}

/**
 * Betas from a continuous abar(u), u in [0, 1] (Nichol & Dhariwal 2021, eq. 17):
 *   beta_i = min(1 - abar(i/T) / abar((i-1)/T), 0.999).
 */
export function betasFromAlphaBar(T: number, alphaBar: (u: number) => number): Float64Array {
  const b = new Float64Array(T);
  const a0 = alphaBar(0);
  for (let i = 0; i < T; i++) {
    const prev = alphaBar(i / T) / a0;
    const next = alphaBar((i + 1) / T) / a0;
    b[i] = Math.min(Math.max(1 - next / prev, 0), MAX_BETA);
  }
  return b;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
