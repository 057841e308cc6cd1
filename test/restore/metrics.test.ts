/**
 * PSNR and SSIM (src/restore/metrics.ts) against an independent implementation,
 * scikit-image 0.26.0's `structural_similarity(x, y, data_range=1, gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False, channel_axis=2)` and `peak_signal_noise_ratio`
 * (values recorded below, from images given by the formulas A..D, float64), and against
 * closed forms: constant images (the structure term is C2 / C2 = 1, so
 * SSIM = (2 a b + C1) / (a^2 + b^2 + C1)) and PSNR of a uniform offset d (10 log10(1 / d^2)).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psnr, ssim, batchQuality, gaussianWindow } from '../../src/restore/metrics.js';

type F = (i: number, j: number, k: number) => number;
const A: F = (i, j, k) => 0.5 + 0.4 * Math.sin(0.37 * i + 0.23 * j + 1.1 * k);
const B: F = (i, j, k) => Math.min(1, Math.max(0, 0.5 + 0.4 * Math.sin(0.37 * i + 0.23 * j + 1.1 * k) + 0.15 * Math.cos(1.7 * i * j + 0.3 * k)));
const C: F = (i, j, k) => ((i * 7 + j * 13 + k * 5) % 17) / 16;
const D: F = (i, j, k) => (0.9 * ((i * 7 + j * 13 + k * 5) % 17)) / 16 + 0.05;
const pairs: Record<string, [F, F]> = { 'sin-vs-noisy': [A, B], 'ramp-vs-scaled': [C, D], 'sin-vs-ramp': [A, C] };

function image(h: number, w: number, c: number, f: F): Float64Array {
  const out = new Float64Array(h * w * c);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) out[(i * w + j) * c + k] = f(i, j, k);
  return out;
}

/** scikit-image 0.26.0 values (the first image of each pair is the reference). */
const golden = [
  { h: 28, w: 28, c: 1, pair: 'sin-vs-noisy', ssim: 0.8138953782191534, psnr: 19.374936296566926 },
  { h: 28, w: 28, c: 1, pair: 'ramp-vs-scaled', ssim: 0.9945015054886764, psnr: 30.270834269268697 },
  { h: 28, w: 28, c: 1, pair: 'sin-vs-ramp', ssim: 0.0064234234453751605, psnr: 7.6084360727668265 },
  { h: 16, w: 20, c: 3, pair: 'sin-vs-noisy', ssim: 0.8115961838296144, psnr: 19.508558091322744 },
  { h: 16, w: 20, c: 3, pair: 'ramp-vs-scaled', ssim: 0.9945014857898059, psnr: 30.278779530790622 },
  { h: 16, w: 20, c: 3, pair: 'sin-vs-ramp', ssim: 0.0066285694847151265, psnr: 7.591321991401844 },
];

for (const g of golden) {
  test(`SSIM and PSNR match scikit-image: ${g.pair} ${g.h}x${g.w}x${g.c}`, () => {
    const [f, h] = pairs[g.pair];
    const ref = image(g.h, g.w, g.c, f);
    const x = image(g.h, g.w, g.c, h);
    assert.ok(Math.abs(ssim(x, ref, g.h, g.w, g.c) - g.ssim) < 1e-9, `ssim ${ssim(x, ref, g.h, g.w, g.c)} vs ${g.ssim}`);
    assert.ok(Math.abs(psnr(x, ref) - g.psnr) < 1e-9, `psnr ${psnr(x, ref)} vs ${g.psnr}`);
  });
}

test('closed forms: SSIM of constant images, SSIM(x, x) = 1, PSNR of an offset', () => {
  const a = new Float64Array(28 * 28).fill(0.5);
  const b = new Float64Array(28 * 28).fill(0.25);
  const c1 = 1e-4;
  assert.ok(Math.abs(ssim(a, b, 28, 28, 1) - (2 * 0.5 * 0.25 + c1) / (0.25 + 0.0625 + c1)) < 1e-12);
  const x = image(28, 28, 1, A);
  assert.ok(Math.abs(ssim(x, x, 28, 28, 1) - 1) < 1e-12);
  assert.equal(psnr(x, x), Infinity);
  const shifted = x.map((v) => v + 0.1);
  assert.ok(Math.abs(psnr(shifted, x) - 20) < 1e-9); // 10 log10(1 / 0.01)
});

test('the Gaussian window is normalised and symmetric; batchQuality is per image', () => {
  const w = gaussianWindow(11, 1.5);
  assert.ok(Math.abs(w.reduce((s, v) => s + v, 0) - 1) < 1e-15);
  for (let i = 0; i < 11; i++) assert.equal(w[i], w[10 - i]);
  const ref = new Float32Array([...image(28, 28, 1, A), ...image(28, 28, 1, C)]);
  const x = new Float32Array([...image(28, 28, 1, B), ...image(28, 28, 1, D)]);
  const q = batchQuality(x, ref, 2, [28, 28, 1]);
  assert.ok(Math.abs(q.ssim[0] - 0.8138953782191534) < 1e-6); // float32 inputs
  assert.ok(Math.abs(q.ssim[1] - 0.9945015054886764) < 1e-6);
  assert.ok(Math.abs(q.psnr[1] - 30.270834269268697) < 1e-4);
});
