/**
 * Inception Score analogue (Salimans et al. 2016) from any classifier's class probabilities,
 * plus class histograms and accuracy.
 *
 *   IS = exp( E_x KL( p(y|x) || p(y) ) ),   p(y) = E_x p(y|x)
 * with KL(p || q) = sum_y p_y (log p_y - log q_y) and 0 log 0 = 0. It lies in [1, K]: 1 when
 * every sample gets the same prediction, K when predictions are confident (one-hot) and the
 * classes are used uniformly. As in the reference code the samples are cut into `splits`
 * consecutive parts, the score is computed per part (with that part's own p(y)), and the mean
 * and the standard deviation (ddof = 0) over the parts are reported.
 */
import { checkShape } from '../math/linalg.js';
import type { Numeric } from '../math/linalg.js';
import { meanStd } from './stats.js';

export interface InceptionScore {
  mean: number;
  /** Standard deviation over the splits (ddof = 0, as in the reference implementation). */
  std: number;
  /** Score of each split. */
  scores: number[];
}

/** exp(mean_x KL(p(y|x) || p(y))) over rows [start, end) of probs [n, K]. */
function scoreRange(probs: Numeric, start: number, end: number, K: number): number {
  const rows = end - start;
  const py = new Float64Array(K);
  for (let i = start; i < end; i++) for (let c = 0; c < K; c++) py[c] += probs[i * K + c];
  for (let c = 0; c < K; c++) py[c] /= rows; // p(y) = E_x p(y|x)
  let kl = 0;
  for (let i = start; i < end; i++) {
    for (let c = 0; c < K; c++) {
      const p = probs[i * K + c];
      if (p > 0) kl += p * (Math.log(p) - Math.log(py[c])); // p log(p / q), 0 log 0 = 0
    }
  }
  return Math.exp(kl / rows);
}

/**
 * IS from class probability rows `probs` [n, K] (each row sums to 1; checked to 1e-3).
 * `splits` (default 10) is reduced to n when n is smaller.
 */
export function inceptionScore(probs: Numeric, n: number, K: number, splits = 10): InceptionScore {
  checkShape('inceptionScore', probs, n, K);
  if (n < 1) throw new RangeError('inceptionScore: no samples');
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < K; c++) {
      const p = probs[i * K + c];
      if (!(p >= 0)) throw new RangeError(`inceptionScore: row ${i} has a negative or NaN probability ${p}`);
      s += p;
    }
    if (Math.abs(s - 1) > 1e-3) throw new RangeError(`inceptionScore: row ${i} sums to ${s}, not 1 (pass probabilities, not logits)`);
  }
  const parts = Math.max(1, Math.min(splits, n));
  const scores: number[] = [];
  for (let s = 0; s < parts; s++) {
    const start = Math.floor((s * n) / parts);
    const end = Math.floor(((s + 1) * n) / parts);
    scores.push(scoreRange(probs, start, end, K));
  }
  const { mean, std } = meanStd(scores, 0);
  return { mean, std, scores };
}

/** Index of the largest entry of each row of scores [n, K] (first one on ties). */
export function argmaxRows(scores: Numeric, n: number, K: number): Int32Array {
  checkShape('argmaxRows', scores, n, K);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = scores[i * K];
    for (let c = 1; c < K; c++) {
      const v = scores[i * K + c];
      if (v > bv) { bv = v; best = c; }
    }
    out[i] = best;
  }
  return out;
}

/** Counts of the argmax predictions per class: a histogram of length K. */
export function classHistogram(probs: Numeric, n: number, K: number): number[] {
  const hist = new Array<number>(K).fill(0);
  for (const c of argmaxRows(probs, n, K)) hist[c]++;
  return hist;
}

/** Share of predictions equal to the labels (both of length n). */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predictions.length !== labels.length) {
    throw new RangeError(`accuracy: ${predictions.length} predictions but ${labels.length} labels`);
  }
  if (labels.length === 0) return NaN;
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) ok++;
  return ok / labels.length;
}
