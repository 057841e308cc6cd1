/**
 * log sum_c exp(a_c) without overflow or underflow, in float64:
 *   logSumExp(a) = m + log sum_c exp(a_c - m),   m = max_c a_c
 * (every exp(a_c - m) <= 1 and the largest is 1). m = -inf (all terms -inf, or none) gives -inf,
 * m = +inf gives +inf.
 */

/** log sum_c exp(a_c) over a[offset .. offset + k). */
export function logSumExp(a: ArrayLike<number>, offset = 0, k = a.length - offset): number {
  let m = -Infinity;
  for (let c = 0; c < k; c++) if (a[offset + c] > m) m = a[offset + c];
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let c = 0; c < k; c++) s += Math.exp(a[offset + c] - m);
  return m + Math.log(s);
}
