/** erfc, the normal CDF and its quantile (src/math/normal.ts) against tabulated values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erfc, normalCdf, normalQuantile } from '../../src/math/normal.js';

test('erfc and the normal CDF against tabulated values', () => {
  const table: [number, number][] = [
    [0, 1], [0.1, 0.8875370839817152], [0.5, 0.4795001221869535], [1, 0.15729920705028513],
    [2, 0.004677734981047266], [3, 2.209049699858544e-5], [5, 1.5374597944280349e-12], [-1, 1.8427007929497148],
  ];
  for (const [x, v] of table) assert.ok(Math.abs(erfc(x) - v) < 1e-13 * v, `erfc(${x}) = ${erfc(x)} vs ${v}`);
  assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-15);
  assert.ok(Math.abs(normalCdf(-1) - 0.15865525393145707) < 1e-15);
  assert.ok(Math.abs(normalCdf(3, 1, 2) - normalCdf(1)) < 1e-16);
});

test('normal CDF and quantile match known values', () => {
  // Reference values of Phi (tables / high-precision computation).
  const cases: [number, number][] = [[0, 0.5], [1, 0.8413447460685429], [-1.959963984540054, 0.025], [3, 0.9986501019683699], [-5, 2.866515718791939e-7]];
  for (const [x, p] of cases) assert.ok(Math.abs(normalCdf(x) - p) < 1e-12 * Math.max(1, 1 / p) * p + 1e-15, `Phi(${x}) = ${normalCdf(x)} vs ${p}`);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-9);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(2.866515718791939e-7) + 5) < 1e-6);
  for (const p of [1e-6, 0.01, 0.3, 0.77, 0.999]) assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-12);
});

test('the normal CDF is accurate in the tails where a series alone loses digits (Phi(-4), Phi(-4.2))', () => {
  // Reference values of Phi to 16 digits; the relative error stays near 1e-15.
  for (const [x, p] of [[-4, 3.167124183311992e-05], [-4.2, 1.3345749015906309e-05], [-6, 9.865876450376982e-10]] as const) {
    assert.ok(Math.abs(normalCdf(x) - p) < 1e-13 * p, `Phi(${x}) = ${normalCdf(x)} vs ${p}`);
  }
  assert.ok(Number.isNaN(erfc(Number.NaN)));
  assert.throws(() => normalQuantile(0), /p must be in \(0, 1\)/);
});
