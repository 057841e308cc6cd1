/**
 * Active units (Burda et al. 2016, sec. 5.2): a latent dimension u is active when
 *   A_u = Cov_x( E_{q(u|x)}[u] ) > 0.01,
 * the variance over the data set (divided by n) of its posterior mean. The models supply the
 * table of posterior means (the VAE its encoder's mu, the hierarchy a Monte Carlo estimate).
 */

export const ACTIVE_THRESHOLD = 0.01;

/** Per dimension, the variance over rows of a row-major [n, d] table; and how many exceed `threshold`. */
export function activeUnits(means: Float64Array, n: number, d: number, threshold = ACTIVE_THRESHOLD): { active: number; variances: Float64Array } {
  const variances = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let r = 0; r < n; r++) m += means[r * d + j];
    m /= n;
    let v = 0;
    for (let r = 0; r < n; r++) v += (means[r * d + j] - m) ** 2;
    variances[j] = v / n;
  }
  let active = 0;
  for (const v of variances) if (v > threshold) active++;
  return { active, variances };
}

