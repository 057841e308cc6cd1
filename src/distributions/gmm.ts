/**
 * Gaussian mixture p(x) = sum_c w_c N(x; mu_c, Sigma_c) fitted by expectation-maximisation
 * (Dempster, Laird & Rubin 1977), with diagonal or full covariances.
 *
 * E-step (responsibilities, in log space with logsumexp for stability):
 *   log r_ic = log w_c + log N(x_i; mu_c, Sigma_c) - logsumexp_c'(log w_c' + log N(x_i; mu_c', Sigma_c'))
 *   and the average log-likelihood (1/n) sum_i logsumexp_c(...) of the CURRENT parameters.
 * M-step (weighted maximum likelihood):
 *   N_c = sum_i r_ic,  w_c = N_c / n,  mu_c = (1/N_c) sum_i r_ic x_i,
 *   Sigma_c = (1/N_c) sum_i r_ic (x_i - mu_c)(x_i - mu_c)^T + ridge I    (diag: the diagonal only)
 * With ridge = 0 each EM step cannot decrease the log-likelihood; the ridge (default 1e-6, like
 * scikit-learn's reg_covar) keeps covariances invertible at the cost of that exact guarantee.
 *
 * Initialisation: k-means++ seeding (Arthur & Vassilvitskii 2007) from the given Rng, then
 * `kmeansIters` Lloyd iterations; means = the k-means centres, weights = the cluster shares,
 * every covariance = the covariance of the whole data set (+ ridge).
 * Stopping: when the average log-likelihood improves by less than `tol`, or after `maxIter`
 * M-steps. `logLikelihood[t]` is the average log-likelihood (nats per sample) before M-step t;
 * its last entry is that of the returned parameters.
 *
 * Parameters are a JSON record { kind: 'gmm', covariance, dim, k, weights, components } whose
 * components are GaussianParams records (src/distributions/gaussian.ts).
 */
import { checkShape, meanCov, toFloat64 } from '../math/linalg.js';
import type { Numeric } from '../math/linalg.js';
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { logSumExp } from '../math/log_sum_exp.js';
import { normals } from './box_muller.js';
import { Gaussian, parseGaussianParams } from './gaussian.js';
import type { CovarianceKind, GaussianParams } from './gaussian.js';

export interface GmmParams {
  kind: 'gmm';
  covariance: CovarianceKind;
  dim: number;
  k: number;
  /** Mixture weights w_c (sum to 1). */
  weights: number[];
  components: GaussianParams[];
}

export interface GmmConfig {
  /** Number of components. */
  k: number;
  covariance: CovarianceKind;
  /** Maximum number of EM iterations (M-steps). */
  maxIter: number;
  /** Stop when the average log-likelihood (nats per sample) improves by less than this. */
  tol: number;
  /** Added to every covariance diagonal in the M-step (>= 0). */
  ridge: number;
  /** Lloyd iterations after k-means++ seeding. */
  kmeansIters: number;
}

export const DEFAULT_GMM_CONFIG: Omit<GmmConfig, 'k'> = {
  covariance: 'full',
  maxIter: 100,
  tol: 1e-6,
  ridge: 1e-6,
  kmeansIters: 10,
};

export interface GmmFitResult {
  params: GmmParams;
  /** Average log-likelihood per EM iteration; the last entry belongs to `params`. */
  logLikelihood: number[];
  /** Number of M-steps performed. */
  iterations: number;
  /** True when the tolerance was reached before maxIter. */
  converged: boolean;
}

/** A mixture ready for evaluation and sampling. */
export class Gmm {
  readonly components: Gaussian[];
  readonly logWeights: Float64Array;

  constructor(readonly params: GmmParams) {
    this.components = params.components.map((c) => new Gaussian(c));
    this.logWeights = Float64Array.from(params.weights, (w) => Math.log(w));
  }

  get dim(): number {
    return this.params.dim;
  }

  /** log w_c + log N(x_i; mu_c, Sigma_c) for every row i and component c: [n, k]. */
  jointLogPdf(x: Numeric, n: number): Float64Array {
    const k = this.params.k;
    const d = this.params.dim;
    checkShape('Gmm.jointLogPdf', x, n, d);
    const out = new Float64Array(n * k);
    for (let c = 0; c < k; c++) {
      const lp = this.components[c].logPdfBatch(x, n); // log N(x_i; mu_c, Sigma_c)
      const lw = this.logWeights[c];
      for (let i = 0; i < n; i++) out[i * k + c] = lw + lp[i];
    }
    return out;
  }

  /** log p(x_i) = logsumexp_c (log w_c + log N(x_i; mu_c, Sigma_c)) for every row: [n]. */
  logPdfBatch(x: Numeric, n: number): Float64Array {
    const k = this.params.k;
    const joint = this.jointLogPdf(x, n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = logSumExp(joint, i * k, k);
    return out;
  }

  /** Average log-likelihood of the rows of x [n, d] (nats per sample). */
  meanLogLikelihood(x: Numeric, n: number): number {
    const lp = this.logPdfBatch(x, n);
    let s = 0;
    for (let i = 0; i < n; i++) s += lp[i];
    return s / n;
  }

  /** Posterior component probabilities r_ic = p(c | x_i): [n, k]. */
  responsibilities(x: Numeric, n: number): Float64Array {
    const k = this.params.k;
    const joint = this.jointLogPdf(x, n);
    for (let i = 0; i < n; i++) {
      const lse = logSumExp(joint, i * k, k);
      for (let c = 0; c < k; c++) joint[i * k + c] = Math.exp(joint[i * k + c] - lse);
    }
    return joint;
  }

  /** n samples: component c ~ Categorical(w), then x = mu_c + L_c z. Returns points [n, d] and components [n]. */
  sample(rng: Rng, n: number): { points: Float64Array; components: Int32Array } {
    const d = this.params.dim;
    const w = this.params.weights;
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      // inverse CDF of the categorical distribution
      const u = rng.uniform();
      let c = 0;
      let acc = w[0];
      while (u >= acc && c < w.length - 1) acc += w[++c];
      labels[i] = c;
    }
    const z = normals(rng, n * d);
    const points = new Float64Array(n * d);
    for (let i = 0; i < n; i++) this.components[labels[i]].sampleInto(z, i * d, points, i * d);
    return { points, components: labels };
  }
}

/** Squared Euclidean distance between row i of x and row j of c (both with d columns). */
function sqDist(x: Float64Array, i: number, c: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) { const v = x[i * d + t] - c[j * d + t]; s += v * v; }
  return s;
}

/**
 * k-means++ seeding then Lloyd iterations. Returns the centres [k, d] and the assignment.
 * Seeding: the first centre uniformly at random; each next one is a data point drawn with
 * probability proportional to D(x)^2, its squared distance to the nearest centre chosen so far.
 */
export function kMeans(x: Float64Array, n: number, d: number, k: number, rng: Rng, iters = 10): { centres: Float64Array; assign: Int32Array } {
  const centres = new Float64Array(k * d);
  const d2 = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    centres.set(x.subarray(pick * d, pick * d + d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = sqDist(x, i, centres, c, d);
      if (v < d2[i]) d2[i] = v;
      total += d2[i];
    }
    if (c === k - 1) break;
    if (total === 0) { pick = rng.int(n); continue; } // all points coincide with centres
    let u = rng.uniform() * total; // P(pick = i) = D(x_i)^2 / sum_j D(x_j)^2
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= d2[i];
      if (u < 0) { pick = i; break; }
    }
  }
  const assign = new Int32Array(n).fill(-1);
  const counts = new Float64Array(k);
  for (let it = 0; it <= iters; it++) {
    // assignment step: nearest centre
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0, bd = Infinity;
      for (let c = 0; c < k; c++) {
        const v = sqDist(x, i, centres, c, d);
        if (v < bd) { bd = v; best = c; }
      }
      if (assign[i] !== best) { assign[i] = best; changed = true; }
    }
    if (it === iters || !changed) break;
    // centre = mean of its points; an empty cluster keeps its centre
    const sums = new Float64Array(k * d);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      for (let t = 0; t < d; t++) sums[c * d + t] += x[i * d + t];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let t = 0; t < d; t++) centres[c * d + t] = sums[c * d + t] / counts[c];
    }
  }
  return { centres, assign };
}

function componentParams(kind: CovarianceKind, d: number, mean: Float64Array, cov: Float64Array): GaussianParams {
  if (kind === 'full') return { kind: 'gaussian', covariance: 'full', dim: d, mean: Array.from(mean), cov: Array.from(cov) };
  const v = new Array<number>(d);
  for (let j = 0; j < d; j++) v[j] = cov.length === d ? cov[j] : cov[j * d + j];
  return { kind: 'gaussian', covariance: 'diag', dim: d, mean: Array.from(mean), var: v };
}

/** Fits a Gaussian mixture to the rows of x [n, d] by EM (see the module comment). */
export function fitGmm(
  x: Numeric, n: number, d: number, config: Partial<GmmConfig> & { k: number }, rng: Rng,
  onIteration?: (iteration: number, logLik: number) => void,
): GmmFitResult {
  const cfg: GmmConfig = { ...DEFAULT_GMM_CONFIG, ...config };
  const { k, covariance, ridge } = cfg;
  checkShape('fitGmm', x, n, d);
  if (!Number.isInteger(k) || k < 1) throw new UserError(`gmm fit: k must be a positive integer, got ${k}`);
  if (n < k) throw new UserError(`gmm fit: need at least k = ${k} samples, got ${n}`);
  if (covariance !== 'full' && covariance !== 'diag') throw new UserError(`gmm fit: covariance must be 'full' or 'diag', got '${String(covariance)}'`);
  if (!(ridge >= 0)) throw new UserError(`gmm fit: ridge must be >= 0, got ${ridge}`);
  if (!(cfg.tol >= 0)) throw new UserError(`gmm fit: tol must be >= 0, got ${cfg.tol}`);
  const X = toFloat64(x, false);

  // --- initialisation: k-means++ / Lloyd centres, global covariance, cluster shares
  const { centres, assign } = kMeans(X, n, d, k, rng, cfg.kmeansIters);
  const global = n > 1 ? meanCov(X, n, d, 0).cov : new Float64Array(d * d);
  for (let j = 0; j < d; j++) global[j * d + j] += ridge;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[assign[i]]++;
  let params: GmmParams = {
    kind: 'gmm', covariance, dim: d, k,
    weights: Array.from(counts, (c) => Math.max(c, 1e-3) / n),
    components: Array.from({ length: k }, (_, c) => componentParams(covariance, d, centres.subarray(c * d, c * d + d), global)),
  };
  normaliseWeights(params.weights);

  const history: number[] = [];
  let converged = false;
  let iterations = 0;
  const resp = new Float64Array(n * k);
  for (;;) {
    // --- E-step: responsibilities and the average log-likelihood of the current parameters
    const model = new Gmm(params);
    const joint = model.jointLogPdf(X, n); // [n, k]: log w_c + log N(x_i | c)
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const lse = logSumExp(joint, i * k, k); // log p(x_i)
      ll += lse;
      for (let c = 0; c < k; c++) resp[i * k + c] = Math.exp(joint[i * k + c] - lse); // r_ic
    }
    ll /= n;
    history.push(ll);
    onIteration?.(iterations, ll);
    if (history.length > 1 && Math.abs(ll - history[history.length - 2]) < cfg.tol) { converged = true; break; }
    if (iterations >= cfg.maxIter) break;
    // --- M-step
    params = mStep(X, n, d, k, resp, params, covariance, ridge);
    iterations++;
  }
  return { params, logLikelihood: history, iterations, converged };
}

function normaliseWeights(w: number[]): void {
  let s = 0;
  for (const v of w) s += v;
  for (let c = 0; c < w.length; c++) w[c] /= s;
}

/** Weighted maximum likelihood given responsibilities resp [n, k]. */
function mStep(X: Float64Array, n: number, d: number, k: number, resp: Float64Array, prev: GmmParams, kind: CovarianceKind, ridge: number): GmmParams {
  const weights: number[] = [];
  const components: GaussianParams[] = [];
  for (let c = 0; c < k; c++) {
    let Nc = 0; // N_c = sum_i r_ic
    for (let i = 0; i < n; i++) Nc += resp[i * k + c];
    weights.push(Nc / n); // w_c = N_c / n
    if (Nc < 1e-10 * n) { components.push(prev.components[c]); continue; } // starved component: keep its parameters
    const mean = new Float64Array(d); // mu_c = (1/N_c) sum_i r_ic x_i
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c];
      if (r === 0) continue;
      for (let t = 0; t < d; t++) mean[t] += r * X[i * d + t];
    }
    for (let t = 0; t < d; t++) mean[t] /= Nc;
    if (kind === 'diag') {
      const v = new Float64Array(d); // var_cj = (1/N_c) sum_i r_ic (x_ij - mu_cj)^2 + ridge
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + c];
        if (r === 0) continue;
        for (let t = 0; t < d; t++) { const e = X[i * d + t] - mean[t]; v[t] += r * e * e; }
      }
      for (let t = 0; t < d; t++) v[t] = v[t] / Nc + ridge;
      components.push(componentParams('diag', d, mean, v));
    } else {
      const cov = new Float64Array(d * d); // Sigma_c = (1/N_c) sum_i r_ic (x_i - mu_c)(x_i - mu_c)^T + ridge I
      const e = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + c];
        if (r === 0) continue;
        for (let t = 0; t < d; t++) e[t] = X[i * d + t] - mean[t];
        for (let a = 0; a < d; a++) {
          const ra = r * e[a];
          for (let b = a; b < d; b++) cov[a * d + b] += ra * e[b];
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = a; b < d; b++) {
          const v = cov[a * d + b] / Nc + (a === b ? ridge : 0);
          cov[a * d + b] = v;
          cov[b * d + a] = v;
        }
      }
      components.push(componentParams('full', d, mean, cov));
    }
  }
  normaliseWeights(weights);
  return { kind: 'gmm', covariance: kind, dim: d, k, weights, components };
}

/** Checks a parsed JSON value is a valid GmmParams record; `source` names the file. */
export function parseGmmParams(v: unknown, source: string): GmmParams {
  const o = v as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || o.kind !== 'gmm') throw new UserError(`${source}: not a gmm parameter record (kind must be 'gmm')`);
  const { dim, k, weights, components, covariance } = o;
  if (covariance !== 'full' && covariance !== 'diag') throw new UserError(`${source}: gmm 'covariance' must be 'full' or 'diag'`);
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) throw new UserError(`${source}: gmm 'dim' must be a positive integer`);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new UserError(`${source}: gmm 'k' must be a positive integer`);
  if (!Array.isArray(weights) || weights.length !== k || !weights.every((w) => typeof w === 'number' && w >= 0)) {
    throw new UserError(`${source}: gmm 'weights' must be ${k} non-negative numbers`);
  }
  const sum = (weights as number[]).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new UserError(`${source}: gmm 'weights' sum to ${sum}, not 1`);
  if (!Array.isArray(components) || components.length !== k) throw new UserError(`${source}: gmm 'components' must hold ${k} gaussian records`);
  const comps = components.map((c, i) => parseGaussianParams(c, `${source} (component ${i})`));
  for (const c of comps) {
    if (c.dim !== dim || c.covariance !== covariance) throw new UserError(`${source}: gmm components must all be ${covariance} gaussians of dim ${dim}`);
  }
  return { kind: 'gmm', covariance, dim, k, weights: weights as number[], components: comps };
}
