/**
 * The standard normal distribution's CDF and quantile, in float64:
 *   Phi(x)     = erfc(-x / sqrt 2) / 2,      erfc(x) = (2 / sqrt(pi)) int_x^inf exp(-t^2) dt
 *   Phi^-1(p)  = the x with Phi(x) = p, by bisection then Newton steps x <- x - (Phi(x) - p) / phi(x),
 *              phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
 * erfc: the Maclaurin series of erf for |x| < 2, otherwise the continued fraction
 *   erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))   (x > 0),
 * about 1e-13 relative accuracy (1e-15 at the usual arguments).
 */

/** Complementary error function erfc(x) = (2/sqrt(pi)) int_x^inf exp(-t^2) dt (see the header). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = (2/sqrt(pi)) sum_k (-1)^k x^(2k+1) / (k! (2k+1))
    let term = x; // (-1)^k x^(2k+1) / k!
    let sum = x;
    const x2 = x * x;
    for (let k = 1; k < 100; k++) {
      term *= -x2 / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27) return 0;
  // evaluate the continued fraction from the tail: f = x + (K/2)/f, K = 60 .. 1
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + (k / 2) / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Normal CDF Phi((x - mean) / std), Phi(x) = erfc(-x / sqrt 2) / 2. */
export function normalCdf(x: number, mean = 0, std = 1): number {
  return 0.5 * erfc(-(x - mean) / (std * Math.SQRT2));
}

/** The standard normal quantile Phi^-1(p), p in (0, 1), by bisection then Newton steps on normalCdf. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-3) break;
  }
  let x = (lo + hi) / 2;
  for (let i = 0; i < 20; i++) {
    // Newton: x <- x - (Phi(x) - p) / phi(x),  phi(x) = exp(-x^2/2) / sqrt(2 pi)
    const step = (normalCdf(x) - p) / (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI));
    x -= step;
    if (Math.abs(step) < 1e-13 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}
