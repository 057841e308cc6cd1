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
 * - The 3-std rule is strict: on the ring (std 0.02 at radius 2) a model whose clusters are all
 *   there but twice as wide as the data's scores few "modes". So two more figures a reader can
 *   trust whatever the spread:
 *     modesWide: modes covered when a sample counts within a quarter of the smallest distance
 *                between two centres (disjoint balls: on the ring 0.38 = 19 std), i.e. "is there
 *                a cluster at this mode at all";
 *     spread:    the median distance of samples to their nearest centre, in units of std
 *                (real data: the median of a 2-D Rayleigh, sqrt(2 ln 2) = 1.18).
 */
import { checkShape } from '../math/linalg.js';
import type { Numeric } from '../math/linalg.js';

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
  /** Covered modes when a sample counts within a quarter of the smallest inter-centre distance. */
  modesWide: number;
  /** That radius. */
  wideRadius: number;
  /** Median distance of a sample to its nearest centre, in standard deviations. */
  spread: number;
}

/** A quarter of the smallest distance between two of the m centres (Infinity for one centre). */
export function wideRadiusOf(centres: Numeric, m: number, dim: number): number {
  let min2 = Infinity;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) { const t = centres[a * dim + k] - centres[b * dim + k]; d2 += t * t; }
      min2 = Math.min(min2, d2);
    }
  }
  return Math.sqrt(min2) / 4;
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
  const perModeWide = new Array<number>(m).fill(0);
  const wideRadius = wideRadiusOf(centres, m, dim);
  const nearest = new Float64Array(n);
  let hqCount = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD2 = Infinity;
    for (let c = 0; c < m; c++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) { const t = points[i * dim + k] - centres[c * dim + k]; d2 += t * t; }
      if (d2 < bestD2) { bestD2 = d2; best = c; }
    }
    nearest[i] = Math.sqrt(bestD2);
    if (nearest[i] <= wideRadius) perModeWide[best]++;
    if (bestD2 <= r2) { // ||x - c|| <= radiusStd * std
      perMode[best]++;
      hqCount++;
    }
  }
  let modes = 0;
  for (const count of perMode) if (count >= threshold) modes++;
  let modesWide = 0;
  for (const count of perModeWide) if (count >= threshold) modesWide++;
  nearest.sort();
  const median = n === 0 ? NaN : n % 2 ? nearest[(n - 1) / 2] : (nearest[n / 2 - 1] + nearest[n / 2]) / 2;
  return { modes, hq: n > 0 ? hqCount / n : 0, perMode, threshold, modesWide, wideRadius, spread: median / options.std };
}
