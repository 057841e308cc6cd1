/** Active units (Burda et al. 2016): the variance over x of E_q[u | x], against a hand-computed table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeUnits } from '../../src/math/active_units.js';

test('variance per dimension over the rows (divided by n) and the count above 0.01', () => {
  // 4 rows x 3 dims: dim 0 varies by +-0.2 (variance 0.04), dim 1 by +-0.05 (0.0025), dim 2 constant.
  const t = Float64Array.from([0.2, 1.05, 3, -0.2, 0.95, 3, 0.2, 1.05, 3, -0.2, 0.95, 3]);
  const r = activeUnits(t, 4, 3);
  assert.ok(Math.abs(r.variances[0] - 0.04) < 1e-12);
  assert.ok(Math.abs(r.variances[1] - 0.0025) < 1e-12);
  assert.equal(r.variances[2], 0);
  assert.equal(r.active, 1);
  assert.equal(activeUnits(t, 4, 3, 0.001).active, 2);
});
