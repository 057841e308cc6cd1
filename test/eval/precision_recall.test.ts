/** Improved precision and recall: exact agreement with brute force, mode-dropping behaviour. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { precisionRecall } from '../../src/eval/precision_recall.js';
import { Rng } from '../../src/util/rng.js';

/** Brute force straight from the definition, with Euclidean distances and full sorting. */
function naive(real: ArrayLike<number>, fake: ArrayLike<number>, nr: number, nf: number, d: number, k: number) {
  const dist = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (a[i * d + t] - b[j * d + t]) ** 2;
    return Math.sqrt(s);
  };
  const radii = (x: ArrayLike<number>, n: number) => Array.from({ length: n }, (_, i) => {
    const ds: number[] = [];
    for (let j = 0; j < n; j++) if (j !== i) ds.push(dist(x, i, x, j));
    ds.sort((a, b) => a - b);
    return ds[k - 1]; // k-th nearest other sample
  });
  const rr = radii(real, nr), rf = radii(fake, nf);
  let p = 0, r = 0;
  for (let j = 0; j < nf; j++) {
    let inside = false;
    for (let i = 0; i < nr && !inside; i++) inside = dist(fake, j, real, i) <= rr[i];
    if (inside) p++;
  }
  for (let i = 0; i < nr; i++) {
    let inside = false;
    for (let j = 0; j < nf && !inside; j++) inside = dist(real, i, fake, j) <= rf[j];
    if (inside) r++;
  }
  return { precision: p / nf, recall: r / nr, rr, rf };
}

/** n points from an isotropic mixture: mode c ~ U{modes}, x = centre_c + N(0, I). */
function mixture(rng: Rng, n: number, d: number, centres: Float64Array, modes: number[]): Float32Array {
  const x = rng.normalArray(n * d);
  for (let i = 0; i < n; i++) {
    const c = modes[rng.int(modes.length)];
    for (let t = 0; t < d; t++) x[i * d + t] += centres[c * d + t];
  }
  return x;
}

test('precision/recall equal brute force exactly (several k, block sizes smaller than the sets)', () => {
  const rng = new Rng(1);
  const d = 5, nr = 150, nf = 137;
  const real = rng.normalArray(nr * d);
  const fake = rng.normalArray(nf * d, 0.4, 1.3);
  for (const k of [1, 3, 5]) {
    const want = naive(real, fake, nr, nf, d, k);
    for (const blockSize of [16, 128]) {
      const got = precisionRecall(real, fake, nr, nf, d, { k, blockSize });
      assert.equal(got.precision, want.precision, `precision k=${k}`);
      assert.equal(got.recall, want.recall, `recall k=${k}`);
      for (let i = 0; i < nr; i++) assert.ok(Math.abs(got.realRadii[i] - want.rr[i]) < 1e-9);
      for (let j = 0; j < nf; j++) assert.ok(Math.abs(got.fakeRadii[j] - want.rf[j]) < 1e-9);
    }
    assert.ok(want.precision > 0.3 && want.precision < 0.9 && want.recall > 0.8, `a non-trivial case: ${want.precision}, ${want.recall}`);
  }
});

test('a generator covering half the modes: recall near 0.5, precision near 1; far away: both 0', () => {
  const rng = new Rng(2);
  const m = 10, n = 2000;
  const all = Array.from({ length: m }, (_, c) => c);
  const halfModes = [0, 1, 2, 3, 4];
  // 2-D: 10 unit-variance modes on a circle of radius 10 (neighbours 6.2 apart); 200 samples per
  // mode fill it densely, so the k-NN balls cover nearly all of it
  {
    const d = 2;
    const centres = new Float64Array(m * d);
    for (let c = 0; c < m; c++) { centres[c * d] = 10 * Math.cos((2 * Math.PI * c) / m); centres[c * d + 1] = 10 * Math.sin((2 * Math.PI * c) / m); }
    const real = mixture(rng, n, d, centres, all);
    const r = precisionRecall(real, mixture(rng, n, d, centres, halfModes), n, n, d);
    assert.ok(Math.abs(r.recall - 0.5) < 0.03, `recall ${r.recall}`);
    assert.ok(r.precision > 0.95, `precision ${r.precision}`);
    const far = rng.normalArray(n * d, 50);
    const f = precisionRecall(real, far, n, n, d);
    assert.equal(f.precision, 0);
    assert.equal(f.recall, 0);
  }
  // 16-D, modes 8 apart along the axes: finite samples cover less of each mode (the same-distribution
  // values drop to about 0.8), but dropping half the modes still halves recall and leaves precision alone
  {
    const d = 16;
    const centres = new Float64Array(m * d);
    for (let c = 0; c < m; c++) centres[c * d + c] = 8;
    const real = mixture(rng, n, d, centres, all);
    const half = precisionRecall(real, mixture(rng, n, d, centres, halfModes), n, n, d);
    const same = precisionRecall(real, mixture(rng, n, d, centres, all), n, n, d);
    assert.ok(Math.abs(half.recall / same.recall - 0.5) < 0.05, `recall ${half.recall} vs ${same.recall} for the same distribution`);
    assert.ok(Math.abs(half.precision - same.precision) < 0.05, `precision ${half.precision} vs ${same.precision}`);
    assert.ok(same.precision > 0.7 && same.recall > 0.7);
  }
});
