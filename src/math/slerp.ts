/**
 * Interpolation between two points a, b of R^d (latents, noisy images), t in [0, 1]:
 *   linear:     lerp(a, b, t)  = (1 - t) a + t b
 *   spherical:  slerp(a, b, t) = sin((1 - t) theta) / sin(theta) a + sin(t theta) / sin(theta) b,
 *               cos(theta) = a . b / (|a| |b|)        (Shoemake 1985; White 2016 for latents)
 * slerp follows the great circle when |a| = |b| and keeps the norm of the path near that of
 * high-dimensional Gaussian samples, where lerp's midpoint is shorter by up to cos(theta / 2).
 * Where the angle is undefined or sin(theta) is tiny ((anti)parallel or zero vectors) slerp
 * falls back to lerp. Float64 arithmetic on the host; inputs may be float32.
 */

export type PathMode = 'linear' | 'spherical';

/** (1 - t) a + t b. */
export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = (1 - t) * a[j] + t * b[j];
  return out;
}

/** The angle theta between a and b, with sin(theta); `ok` is false where slerp must fall back to lerp. */
function angle(a: ArrayLike<number>, b: ArrayLike<number>): { theta: number; sin: number; ok: boolean } {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j] * b[j];
    na += a[j] * a[j];
    nb += b[j] * b[j];
  }
  const cos = dot / Math.sqrt(na * nb);
  const theta = Math.acos(Math.min(1, Math.max(-1, cos)));
  const sin = Math.sin(theta);
  return { theta, sin, ok: sin > 1e-6 && Number.isFinite(cos) };
}

/** sin((1 - t) theta) / sin(theta) a + sin(t theta) / sin(theta) b (lerp where theta is ~0, ~pi or undefined). */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float64Array {
  const { theta, sin, ok } = angle(a, b);
  if (!ok) return lerp(a, b, t);
  const ca = Math.sin((1 - t) * theta) / sin;
  const cb = Math.sin(t * theta) / sin;
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = ca * a[j] + cb * b[j];
  return out;
}

/** `steps` >= 2 points from z0 to z1, both ends included: t = s / (steps - 1), s = 0 .. steps - 1. */
export function interpolatePath(z0: ArrayLike<number>, z1: ArrayLike<number>, steps: number, mode: PathMode): Float64Array[] {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`interpolatePath: steps must be >= 2, got ${steps}`);
  const f = mode === 'spherical' ? slerp : lerp;
  return Array.from({ length: steps }, (_, s) => f(z0, z1, s / (steps - 1)));
}
