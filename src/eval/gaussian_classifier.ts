/**
 * Generative classifier with Gaussian class-conditionals (Gaussian discriminant analysis with a
 * separate covariance per class): fit p(x | y) = N(x; mu_y, Sigma_y) by maximum likelihood on
 * each class and the prior p(y) = n_y / n, then classify by Bayes' rule
 *   p(y | x) = p(x | y) p(y) / sum_y' p(x | y') p(y'),
 *   y_hat(x) = argmax_y  log p(x | y) + log p(y)
 * (the evidence p(x) is the same for every y). Full covariances need a ridge on image pixels
 * (see src/distributions/gaussian.ts, IMAGE_RIDGE).
 *
 * Parameters are a JSON record { kind: 'gaussian-classifier', numClasses, dim, priors, classes }.
 */
import { checkShape } from '../math/linalg.js';
import type { Numeric } from '../math/linalg.js';
import { argmaxRows } from './inception_score.js';
import { Gaussian, fitGaussian } from '../distributions/gaussian.js';
import type { GaussianFitConfig, GaussianParams } from '../distributions/gaussian.js';
import { logSumExp } from '../math/log_sum_exp.js';
import { UserError } from '../util/errors.js';

export interface GaussianClassifierParams {
  kind: 'gaussian-classifier';
  numClasses: number;
  dim: number;
  /** p(y) = n_y / n. */
  priors: number[];
  /** p(x | y), one Gaussian record per class. */
  classes: GaussianParams[];
}

export interface GaussianClassifierConfig extends GaussianFitConfig {
  /** Number of classes K (labels in 0..K-1); default max(label) + 1. Every class needs samples. */
  numClasses?: number;
}

export class GaussianClassifier {
  readonly classes: Gaussian[];
  readonly logPriors: Float64Array;

  constructor(readonly params: GaussianClassifierParams) {
    this.classes = params.classes.map((c) => new Gaussian(c));
    this.logPriors = Float64Array.from(params.priors, (p) => Math.log(p));
  }

  /** Fits one Gaussian per class and the class priors from x [n, d] and labels [n]. */
  /** `onClass(done, K)` is called after each class's fit (progress). */
  static fit(x: Numeric, labels: ArrayLike<number>, n: number, d: number, config: Partial<GaussianClassifierConfig> = {}, onClass?: (done: number, total: number) => void): GaussianClassifier {
    checkShape('GaussianClassifier.fit', x, n, d);
    if (labels.length !== n) throw new UserError(`gaussian classifier: ${n} samples but ${labels.length} labels`);
    let maxLabel = -1;
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      if (!Number.isInteger(y) || y < 0) throw new UserError(`gaussian classifier: label ${y} of sample ${i} is not a class index`);
      if (y > maxLabel) maxLabel = y;
    }
    const K = config.numClasses ?? maxLabel + 1;
    if (maxLabel >= K) throw new UserError(`gaussian classifier: label ${maxLabel} is out of range for ${K} classes`);
    const counts = new Array<number>(K).fill(0);
    for (let i = 0; i < n; i++) counts[labels[i]]++;
    const classes: GaussianParams[] = [];
    for (let y = 0; y < K; y++) {
      if (counts[y] === 0) throw new UserError(`gaussian classifier: class ${y} has no training samples`);
      const xs = new Float64Array(counts[y] * d);
      let r = 0;
      for (let i = 0; i < n; i++) {
        if (labels[i] !== y) continue;
        for (let t = 0; t < d; t++) xs[r * d + t] = x[i * d + t];
        r++;
      }
      classes.push(fitGaussian(xs, counts[y], d, { covariance: config.covariance, ridge: config.ridge })); // p(x | y) by MLE
      onClass?.(y + 1, K);
    }
    const priors = counts.map((c) => c / n); // p(y) = n_y / n
    return new GaussianClassifier({ kind: 'gaussian-classifier', numClasses: K, dim: d, priors, classes });
  }

  /** log p(x_i | y) + log p(y) for every row and class: [n, K]. */
  logJoint(x: Numeric, n: number, onClass?: (done: number, total: number) => void): Float64Array {
    const K = this.params.numClasses;
    const d = this.params.dim;
    checkShape('GaussianClassifier.logJoint', x, n, d);
    const out = new Float64Array(n * K);
    for (let y = 0; y < K; y++) {
      const lp = this.classes[y].logPdfBatch(x, n); // log p(x_i | y)
      for (let i = 0; i < n; i++) out[i * K + y] = lp[i] + this.logPriors[y];
      onClass?.(y + 1, K);
    }
    return out;
  }

  /** Posterior p(y | x_i) by Bayes' rule, normalised with logsumexp: [n, K]. */
  posterior(x: Numeric, n: number): Float64Array {
    const K = this.params.numClasses;
    const lj = this.logJoint(x, n);
    for (let i = 0; i < n; i++) {
      const lse = logSumExp(lj, i * K, K); // log p(x_i)
      for (let y = 0; y < K; y++) lj[i * K + y] = Math.exp(lj[i * K + y] - lse);
    }
    return lj;
  }

  /** argmax_y log p(x_i | y) + log p(y) for every row. */
  predict(x: Numeric, n: number, onClass?: (done: number, total: number) => void): Int32Array {
    return argmaxRows(this.logJoint(x, n, onClass), n, this.params.numClasses);
  }
}
