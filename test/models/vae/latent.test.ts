import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalQuantile } from '../../../src/math/normal.js';
import { quantileGrid } from '../../../src/models/vae/latent.js';

test('quantile grid: equal prior mass per cell, y up', () => {
  const g = quantileGrid(4);
  assert.equal(g.length, 32);
  // first cell: top-left = (smallest z1, largest z2)
  assert.ok(Math.abs(g[0] - normalQuantile(0.125)) < 1e-6 && Math.abs(g[1] - normalQuantile(0.875)) < 1e-6);
  // symmetric about 0
  assert.ok(Math.abs(g[0] + g[2 * 3]) < 1e-6);
});
