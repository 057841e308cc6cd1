/**
 * The Box-Muller transform (Box & Muller 1958): two independent uniforms become two
 * independent standard normals.
 *
 * With u1 in (0, 1] and u2 in [0, 1), let R = sqrt(-2 ln u1) and theta = 2 pi u2. Then
 *   z0 = R cos(theta),  z1 = R sin(theta)
 * are independent N(0, 1). Why: for (z0, z1) ~ N(0, I_2) in polar form, the squared radius
 * R^2 = z0^2 + z1^2 is chi-square with 2 degrees of freedom, i.e. Exponential(1/2), so
 * P(R^2 > r) = exp(-r / 2) and R^2 = -2 ln u1 inverts that survival function; the angle is
 * uniform on [0, 2 pi) and independent of the radius.
 */

/**
 * What `normals` draws from: uniforms on (0, 1) and [0, 1). `Rng` (src/util/rng.ts) is one;
 * the interface keeps this file free of an import of it (Rng itself samples through boxMuller).
 */
export interface UniformSource {
  /** Uniform on the open interval (0, 1). */
  uniformOpen(): number;
  /** Uniform on [0, 1). */
  uniform(): number;
}

/**
 * One Box-Muller pair:
 *   z0 = sqrt(-2 ln u1) cos(2 pi u2),  z1 = sqrt(-2 ln u1) sin(2 pi u2)
 * `u1` must lie in (0, 1] (u1 = 0 would give an infinite radius); `u2` in [0, 1).
 */
export function boxMuller(u1: number, u2: number): [number, number] {
  const r = Math.sqrt(-2 * Math.log(u1)); // R = sqrt(-2 ln u1)
  const theta = 2 * Math.PI * u2; //         theta = 2 pi u2
  return [r * Math.cos(theta), r * Math.sin(theta)];
}

/**
 * `n` standard normal samples in float64 from `rng`, via `boxMuller`, both outputs of each pair
 * used (an odd `n` drops the last sine). Consumes the same uniforms in the same order as
 * `Rng.normalArray`, so `normals(new Rng(s), n)` equals `new Rng(s).normalArray(n)` up to the
 * float32 rounding of the latter.
 */
export function normals(rng: UniformSource, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const [z0, z1] = boxMuller(rng.uniformOpen(), rng.uniform());
    out[i] = z0;
    if (i + 1 < n) out[i + 1] = z1;
  }
  return out;
}
