/**
 * Small statistics toolkit used by the metrics and their tests: sample moments, the
 * one-sample Kolmogorov-Smirnov test with its asymptotic p-value, medians. (The normal CDF
 * is in src/math/normal.ts.)
 */

/** Sample moments of a univariate sample. */
export interface Moments {
  n: number;
  mean: number;
  /** Unbiased variance, 1/(n-1) sum (x - mean)^2. */
  variance: number;
  /** Skewness g1 = m3 / m2^(3/2) with central moments m_k = (1/n) sum (x - mean)^k. */
  skewness: number;
  /** Excess kurtosis g2 = m4 / m2^2 - 3 (0 for a normal distribution). */
  excessKurtosis: number;
}

/** Mean, variance, skewness and excess kurtosis (two-pass, float64). */
export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  if (n < 2) throw new RangeError(`moments: need at least 2 values, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const c = x[i] - mean;
    const c2 = c * c;
    m2 += c2;
    m3 += c2 * c;
    m4 += c2 * c2;
  }
  const variance = m2 / (n - 1);
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { n, mean, variance, skewness: m3 / Math.pow(m2, 1.5), excessKurtosis: m4 / (m2 * m2) - 3 };
}

/** Mean and standard deviation of a list (`ddof` 0 = population, 1 = sample). */
export function meanStd(x: ArrayLike<number>, ddof: 0 | 1 = 0): { mean: number; std: number } {
  const n = x.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  if (n - ddof <= 0) return { mean: m, std: NaN };
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(v / (n - ddof)) };
}

/** Median (average of the two middle values for an even length). Does not modify `x`. */
export function median(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(x).sort();
  return n % 2 === 1 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/**
 * Survival function of the Kolmogorov distribution:
 *   Q_KS(lambda) = P(K > lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2)
 * For small lambda the alternating series converges slowly; there the equivalent form
 *   P(K <= lambda) = (sqrt(2 pi) / lambda) sum_{j>=1} exp(-(2j-1)^2 pi^2 / (8 lambda^2))
 * is used instead.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    let s = 0;
    for (let j = 1; j <= 20; j++) {
      const t = Math.exp(-((2 * j - 1) ** 2) * Math.PI * Math.PI / (8 * lambda * lambda));
      s += t;
      if (t < 1e-17 * s) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * s;
  }
  let s = 0;
  for (let j = 1; j <= 100; j++) {
    const t = Math.exp(-2 * j * j * lambda * lambda);
    s += j % 2 === 1 ? t : -t;
    if (t < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/** Result of a one-sample Kolmogorov-Smirnov test. */
export interface KsResult {
  n: number;
  /** D_n = sup_x |F_n(x) - F(x)|. */
  statistic: number;
  /** Asymptotic p-value Q_KS((sqrt(n) + 0.12 + 0.11/sqrt(n)) D_n) (Stephens 1970 correction). */
  pValue: number;
}

/**
 * One-sample Kolmogorov-Smirnov test of `x` against the continuous CDF `cdf`.
 * With the sorted sample x_(1) <= ... <= x_(n):
 *   D_n = max_i max( i/n - F(x_(i)),  F(x_(i)) - (i-1)/n )
 */
export function ksTest(x: ArrayLike<number>, cdf: (v: number) => number): KsResult {
  const n = x.length;
  if (n < 1) throw new RangeError('ksTest: empty sample');
  const s = Float64Array.from(x).sort();
  let dmax = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    dmax = Math.max(dmax, (i + 1) / n - f, f - i / n);
  }
  const sn = Math.sqrt(n);
  const lambda = (sn + 0.12 + 0.11 / sn) * dmax;
  return { n, statistic: dmax, pValue: kolmogorovSurvival(lambda) };
}
