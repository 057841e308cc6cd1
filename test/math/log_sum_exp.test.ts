/** log sum exp (src/math/log_sum_exp.ts): exact values where they are known, stable at any magnitude. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logSumExp } from '../../src/math/log_sum_exp.js';

test('logSumExp is exact and stable', () => {
  // log(e^1000 + e^1000) = 1000 + log 2, although e^1000 overflows.
  assert.equal(logSumExp([1000, 1000]), 1000 + Math.log(2));
  assert.ok(Math.abs(logSumExp([-1000, -1000, -1000]) - (-1000 + Math.log(3))) < 1e-12);
  assert.ok(Math.abs(logSumExp([1, 2, 3]) - Math.log(Math.E + Math.E ** 2 + Math.E ** 3)) < 1e-15);
  assert.equal(logSumExp([0, Math.log(3)]), Math.log(4));
});

test('logSumExp of a window; -inf and +inf terms; the empty sum', () => {
  assert.ok(Math.abs(logSumExp([9, 1, 2, 3, 9], 1, 3) - logSumExp([1, 2, 3])) < 1e-15);
  assert.equal(logSumExp([9, 1, 2, 3, 9], 2), logSumExp([2, 3, 9]));
  assert.equal(logSumExp([-Infinity, 0]), 0);
  assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
  assert.equal(logSumExp([]), -Infinity);
  assert.equal(logSumExp([1, Infinity]), Infinity);
});
