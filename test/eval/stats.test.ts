/** Kolmogorov distribution, KS statistic and p-value calibration, moments (erfc and the normal CDF: test/math/normal.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kolmogorovSurvival, ksTest, median, meanStd, moments } from '../../src/eval/stats.js';
import { Rng } from '../../src/util/rng.js';

test('Kolmogorov survival function: critical values 1.3581 (5%) and 1.6276 (1%), continuous at the series switch', () => {
  assert.ok(Math.abs(kolmogorovSurvival(1.3581) - 0.05) < 1e-4);
  assert.ok(Math.abs(kolmogorovSurvival(1.6276) - 0.01) < 1e-4);
  assert.ok(Math.abs(kolmogorovSurvival(0.8276) - 0.5) < 1e-4); // median of the Kolmogorov distribution
  assert.ok(Math.abs(kolmogorovSurvival(1.18 - 1e-12) - kolmogorovSurvival(1.18 + 1e-12)) < 1e-10);
  assert.equal(kolmogorovSurvival(0), 1);
  assert.ok(kolmogorovSurvival(3) < 1e-7);
});

test('KS statistic on three points by hand; p-values are calibrated under the null', () => {
  // x = 0.1, 0.5, 0.9 against U(0, 1): D = max(1/3 - 0.1, 0.9 - 2/3) = 0.2333...
  const r = ksTest([0.9, 0.1, 0.5], (v) => v);
  assert.ok(Math.abs(r.statistic - (1 / 3 - 0.1)) < 1e-15);
  // 400 tests of n = 200 uniforms: the share with p < 0.05 is binomial(400, 0.05): 20 +- 4.4
  const rng = new Rng(1);
  let rejected = 0;
  for (let t = 0; t < 400; t++) if (ksTest(rng.uniformArray(200), (v) => Math.min(1, Math.max(0, v))).pValue < 0.05) rejected++;
  assert.ok(rejected >= 8 && rejected <= 33, `rejected ${rejected} of 400 at the 5% level`);
});

test('moments, meanStd and median on small samples', () => {
  const m = moments([1, 2, 3, 4, 10]);
  // mean 4; deviations -3 -2 -1 0 6: m2 = 50/5 = 10, m3 = (-27 - 8 - 1 + 216)/5 = 36, m4 = (81 + 16 + 1 + 1296)/5 = 278.8
  assert.equal(m.mean, 4);
  assert.equal(m.variance, 12.5);
  assert.ok(Math.abs(m.skewness - 36 / Math.pow(10, 1.5)) < 1e-15);
  assert.ok(Math.abs(m.excessKurtosis - (278.8 / 100 - 3)) < 1e-14);
  assert.deepEqual(meanStd([1, 3], 0), { mean: 2, std: 1 });
  assert.ok(Math.abs(meanStd([1, 3], 1).std - Math.SQRT2) < 1e-15);
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
