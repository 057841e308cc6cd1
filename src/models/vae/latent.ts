/**
 * Latent-space helpers for the VAE figures: interpolation paths and a grid over the latent
 * plane at Gaussian quantiles. Pure float64 functions; the commands turn them into tensors.
 */

/**
 * Points from z0 to z1, both ends included (`steps` >= 2 points).
 *   linear:    z(t) = (1 - t) z0 + t z1
 *   spherical: z(t) = sin((1 - t) theta) / sin(theta) z0 + sin(t theta) / sin(theta) z1,
 *              cos(theta) = z0 . z1 / (|z0| |z1|)   (White 2016, "Sampling generative networks")
 * Spherical falls back to linear when z0 and z1 are (anti)parallel.
 */
export function interpolatePath(z0: ArrayLike<number>, z1: ArrayLike<number>, steps: number, mode: 'linear' | 'spherical'): Float64Array[] {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`interpolatePath: steps must be >= 2, got ${steps}`);
  const d = z0.length;
  let dot = 0;
  let n0 = 0;
  let n1 = 0;
  for (let j = 0; j < d; j++) {
    dot += z0[j] * z1[j];
    n0 += z0[j] * z0[j];
    n1 += z1[j] * z1[j];
  }
  const cos = dot / Math.sqrt(n0 * n1);
  const theta = Math.acos(Math.min(1, Math.max(-1, cos)));
  const sin = Math.sin(theta);
  const spherical = mode === 'spherical' && sin > 1e-6 && Number.isFinite(cos);
  const out: Float64Array[] = [];
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    const a = spherical ? Math.sin((1 - t) * theta) / sin : 1 - t;
    const b = spherical ? Math.sin(t * theta) / sin : t;
    const z = new Float64Array(d);
    for (let j = 0; j < d; j++) z[j] = a * z0[j] + b * z1[j];
    out.push(z);
  }
  return out;
}

/**
 * The standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2, with
 *   erf(u) = 2/sqrt(pi) sum_n (-1)^n u^(2n+1) / (n! (2n+1))            for |u| < 3 (Taylor series)
 *   erfc(u) = exp(-u^2) / sqrt(pi) / (u + (1/2)/(u + 1/(u + (3/2)/(u + ...))))  for u >= 3 (continued fraction)
 * Accurate to ~1e-14 absolute.
 */
export function normalCdf(x: number): number {
  const u = Math.abs(x) / Math.SQRT2;
  let erfc: number;
  if (u < 3) {
    let term = u;
    let sum = u;
    for (let n = 1; n < 200; n++) {
      term *= (-u * u) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let f = u;
    for (let k = 60; k >= 1; k--) f = u + k / 2 / f;
    erfc = Math.exp(-u * u) / Math.sqrt(Math.PI) / f;
  }
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
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

/**
 * A size x size grid over the 2-D latent plane at the Gaussian quantiles
 *   z_i = Phi^-1((i + 1/2) / size),
 * so each cell holds equal prior mass (Kingma & Welling 2014, fig. 4). Row-major, top row =
 * largest z2 (y up, as in a plot): returns [size^2 * 2] values.
 */
export function quantileGrid(size: number): Float32Array {
  const q = Array.from({ length: size }, (_, i) => normalQuantile((i + 0.5) / size));
  const out = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      out[2 * (r * size + c)] = q[c];
      out[2 * (r * size + c) + 1] = q[size - 1 - r];
    }
  }
  return out;
}
