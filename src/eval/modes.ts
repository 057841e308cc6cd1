/**
 * Mode coverage on mixture-of-Gaussians toys (ring of 8, grid of 25), as used to measure mode
 * collapse in the Unrolled GAN, VEEGAN and PacGAN papers.
 *
 * - Every sample is assigned to its nearest mode centre. It is HIGH-QUALITY when it lies within
 *   `radiusStd` (default 3) standard deviations of that centre: ||x - c|| <= 3 std. For an
 *   isotropic 2-D Gaussian a true sample passes with probability 1 - exp(-9/2) = 98.9%.
 * - perMode[c] counts the high-quality samples assigned to mode c; hq = their share of all n.
 * - A mode is COVERED when perMode[c] >= threshold. VEEGAN counts a mode as soon as one
 *   high-quality sample lands on it, which a few stray samples can fake; PacGAN requires 20 of
 *   2,500 samples on the 25-mode grid, i.e. 20% of a mode's fair share n/m. Default here:
 *     threshold = max(1, ceil(0.2 * n / m))       (option `minShare` = 0.2)
 *   which reproduces PacGAN's 20 at n = 2,500, m = 25 and scales with n and m; `minCount`
 *   overrides it with a fixed count (minCount = 1 gives VEEGAN's rule).
 */
import { checkShape } from './linalg.js';
import type { Numeric } from './linalg.js';

export interface ModeCoverageOptions {
  /** Standard deviation of each mode (isotropic). */
  std: number;
  /** Point dimension (default 2). */
  dim?: number;
  /** High-quality radius in standard deviations (default 3). */
  radiusStd?: number;
  /** Covered when the high-quality count reaches minShare * n / m (default 0.2). */
  minShare?: number;
  /** Fixed count threshold; overrides `minShare`. */
  minCount?: number;
}

export interface ModeCoverage {
  /** Number of covered modes. */
  modes: number;
  /** Share of samples within radiusStd * std of their nearest mode. */
  hq: number;
  /** High-quality samples per mode. */
  perMode: number[];
  /** Count a mode needed to be covered. */
  threshold: number;
}

/** Mode coverage of `points` [n, dim] against mode `centres` [m, dim]. */
export function modeCoverage(points: Numeric, n: number, centres: Numeric, m: number, options: ModeCoverageOptions): ModeCoverage {
  const dim = options.dim ?? 2;
  checkShape('modeCoverage points', points, n, dim);
  checkShape('modeCoverage centres', centres, m, dim);
  if (!(options.std > 0)) throw new RangeError(`modeCoverage: std must be positive, got ${options.std}`);
  if (m < 1) throw new RangeError('modeCoverage: need at least one mode');
  const radius = (options.radiusStd ?? 3) * options.std;
  const r2 = radius * radius;
  const threshold = options.minCount ?? Math.max(1, Math.ceil(((options.minShare ?? 0.2) * n) / m - 1e-9));
  const perMode = new Array<number>(m).fill(0);
  let hqCount = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD2 = Infinity;
    for (let c = 0; c < m; c++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) { const t = points[i * dim + k] - centres[c * dim + k]; d2 += t * t; }
      if (d2 < bestD2) { bestD2 = d2; best = c; }
    }
    if (bestD2 <= r2) { // ||x - c|| <= radiusStd * std
      perMode[best]++;
      hqCount++;
    }
  }
  let modes = 0;
  for (const count of perMode) if (count >= threshold) modes++;
  return { modes, hq: n > 0 ? hqCount / n : 0, perMode, threshold };
}
