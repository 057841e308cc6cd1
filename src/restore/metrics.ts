/**
 * Image-quality metrics of a restoration against its ground truth, on [0, 1] images
 * (data range L = 1), in float64 on plain arrays (no tensors).
 *
 * PSNR = 10 log10(L^2 / MSE),  MSE = mean over pixels and channels of (x - x_ref)^2
 *   (Infinity for identical images).
 *
 * SSIM (Wang, Bovik, Sheikh & Simoncelli 2004, eq. 13) with their settings: an 11 x 11 Gaussian
 * window of std 1.5 (normalised), K1 = 0.01, K2 = 0.03, C1 = (K1 L)^2, C2 = (K2 L)^2; at each
 * position where the window lies inside the image,
 *   mu_x = sum w x,  s_x^2 = sum w x^2 - mu_x^2,  s_xy = sum w x y - mu_x mu_y,
 *   SSIM = (2 mu_x mu_y + C1)(2 s_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(s_x^2 + s_y^2 + C2)),
 * averaged over the positions, then over channels. This is scikit-image's
 * structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=1), against which the tests check it. The window is separable, so the five
 * weighted sums are two 1-D passes each.
 */

export interface SsimOptions {
  /** Window side (odd); default 11. */
  window?: number;
  /** Gaussian std of the window; default 1.5. */
  sigma?: number;
  k1?: number;
  k2?: number;
  /** Data range L; default 1. */
  range?: number;
}

/** PSNR in dB of one image against its reference (any layout, same length). */
export function psnr(x: ArrayLike<number>, ref: ArrayLike<number>, range = 1): number {
  if (x.length !== ref.length) throw new Error(`psnr: ${x.length} vs ${ref.length} values`);
  let se = 0;
  for (let i = 0; i < x.length; i++) se += (x[i] - ref[i]) ** 2;
  const mse = se / x.length;
  return mse === 0 ? Infinity : 10 * Math.log10((range * range) / mse);
}

/** The normalised 1-D Gaussian window (w_i proportional to exp(-(i - r)^2 / (2 sigma^2))). */
export function gaussianWindow(size: number, sigma: number): Float64Array {
  const r = (size - 1) / 2;
  const w = new Float64Array(size);
  let total = 0;
  for (let i = 0; i < size; i++) total += w[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) w[i] /= total;
  return w;
}

/** 'valid' separable filtering of one [h, w] plane: [h - s + 1, w - s + 1]. */
function filterValid(p: Float64Array, h: number, w: number, win: Float64Array): Float64Array {
  const s = win.length;
  const oh = h - s + 1;
  const ow = w - s + 1;
  const rows = new Float64Array(h * ow); // along w
  for (let i = 0; i < h; i++) for (let j = 0; j < ow; j++) {
    let acc = 0;
    for (let k = 0; k < s; k++) acc += win[k] * p[i * w + j + k];
    rows[i * ow + j] = acc;
  }
  const out = new Float64Array(oh * ow); // along h
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    let acc = 0;
    for (let k = 0; k < s; k++) acc += win[k] * rows[(i + k) * ow + j];
    out[i * ow + j] = acc;
  }
  return out;
}

/**
 * Mean SSIM of one image [h, w, c] (HWC, row-major) against its reference; channels averaged.
 * @example ssim(restored, truth, 28, 28, 1)   // 1 for identical images
 */
export function ssim(x: ArrayLike<number>, ref: ArrayLike<number>, h: number, w: number, c: number, opts: SsimOptions = {}): number {
  const size = opts.window ?? 11;
  if (x.length !== h * w * c || ref.length !== h * w * c) throw new Error(`ssim: expected ${h}x${w}x${c} values, got ${x.length} and ${ref.length}`);
  if (size > h || size > w) throw new Error(`ssim: a ${size}x${size} window does not fit ${h}x${w} images`);
  const win = gaussianWindow(size, opts.sigma ?? 1.5);
  const L = opts.range ?? 1;
  const c1 = ((opts.k1 ?? 0.01) * L) ** 2;
  const c2 = ((opts.k2 ?? 0.03) * L) ** 2;
  let total = 0;
  for (let ch = 0; ch < c; ch++) {
    const a = new Float64Array(h * w);
    const b = new Float64Array(h * w);
    for (let k = 0; k < h * w; k++) {
      a[k] = x[k * c + ch];
      b[k] = ref[k * c + ch];
    }
    const prod = (u: Float64Array, v: Float64Array) => u.map((e, k) => e * v[k]);
    const mx = filterValid(a, h, w, win);
    const my = filterValid(b, h, w, win);
    const exx = filterValid(prod(a, a), h, w, win);
    const eyy = filterValid(prod(b, b), h, w, win);
    const exy = filterValid(prod(a, b), h, w, win);
    let sum = 0;
    for (let k = 0; k < mx.length; k++) {
      const sxx = exx[k] - mx[k] * mx[k];
      const syy = eyy[k] - my[k] * my[k];
      const sxy = exy[k] - mx[k] * my[k];
      sum += ((2 * mx[k] * my[k] + c1) * (2 * sxy + c2)) / ((mx[k] * mx[k] + my[k] * my[k] + c1) * (sxx + syy + c2));
    }
    total += sum / mx.length;
  }
  return total / c;
}

/** Per-image PSNR and SSIM of a batch [n, h, w, c] of [0, 1] images against its references. */
export function batchQuality(x: ArrayLike<number>, ref: ArrayLike<number>, n: number, shape: [number, number, number]): { psnr: Float64Array; ssim: Float64Array } {
  const [h, w, c] = shape;
  const per = h * w * c;
  const p = new Float64Array(n);
  const s = new Float64Array(n);
  const view = (a: ArrayLike<number>, i: number) => (ArrayBuffer.isView(a) ? (a as Float32Array).subarray(i * per, (i + 1) * per) : Array.prototype.slice.call(a, i * per, (i + 1) * per));
  for (let i = 0; i < n; i++) {
    p[i] = psnr(view(x, i), view(ref, i));
    s[i] = ssim(view(x, i), view(ref, i), h, w, c);
  }
  return { psnr: p, ssim: s };
}
