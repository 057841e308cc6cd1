/**
 * float32 -> IEEE 754 binary16 ("half"), the encoding tfjs reads back as float32 from a weights
 * manifest entry with `quantization: { dtype: 'float16' }` (tf.io.decodeWeights): half the bytes
 * of float32 weights, for shipping models (genlab export --float16).
 *
 * A half is s eeeee mmmmmmmmmm: value (-1)^s 2^(e - 15) (1 + m / 2^10) for 1 <= e <= 30,
 * (-1)^s 2^-14 (m / 2^10) for e = 0 (subnormals, down to 2^-24), inf / NaN for e = 31. From a
 * float32 with biased exponent E and 23-bit mantissa M, e = E - 127 + 15 and the 23 bits are
 * rounded to 10, to nearest with ties to even (the IEEE default), so the relative error of a
 * normal half is at most 2^-11. A carry out of the mantissa moves into the exponent, which is
 * the correctly rounded result (up to the next power of two, or to infinity past 65504).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds `bits >>> shift` to nearest, ties to even, from the bits shifted out. */
function shiftRound(bits: number, shift: number): number {
  const kept = bits >>> shift;
  const rest = bits & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** One float32 value to its binary16 bit pattern. */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // inf, or a quiet NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // beyond 65504 (before rounding): infinity
  if (e <= 0) {
    // Subnormal half: m = (1.M) 2^(E - 127) / 2^-24 = (2^23 + M) >> (14 - e), rounded.
    if (e < -10) return sign; // below 2^-25: rounds to zero
    return sign | shiftRound(mant | 0x800000, 14 - e);
  }
  // Normal: keep the top 10 mantissa bits, rounded; a carry into the exponent is correct rounding.
  return sign | shiftRound((e << 23) | mant, 13);
}

/** float32 values [n] -> their binary16 bit patterns [n]. */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]);
  return out;
}
