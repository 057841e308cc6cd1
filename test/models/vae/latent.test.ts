import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolatePath, normalCdf, normalQuantile, quantileGrid } from '../../../src/models/vae/latent.js';

test('normal CDF and quantile match known values', () => {
  // Reference values of Phi (tables / high-precision computation).
  const cases: [number, number][] = [[0, 0.5], [1, 0.8413447460685429], [-1.959963984540054, 0.025], [3, 0.9986501019683699], [-5, 2.866515718791939e-7]];
  for (const [x, p] of cases) assert.ok(Math.abs(normalCdf(x) - p) < 1e-12 * Math.max(1, 1 / p) * p + 1e-15, `Phi(${x}) = ${normalCdf(x)} vs ${p}`);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-9);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(2.866515718791939e-7) + 5) < 1e-6);
  for (const p of [1e-6, 0.01, 0.3, 0.77, 0.999]) assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-12);
});

test('interpolation paths: ends, linear midpoint, spherical norm', () => {
  const a = [1, 0, 2];
  const b = [-1, 3, 0];
  const lin = interpolatePath(a, b, 5, 'linear');
  assert.equal(lin.length, 5);
  assert.deepEqual([...lin[0]], a);
  assert.deepEqual([...lin[4]], b);
  assert.deepEqual([...lin[2]], [0, 1.5, 1]);
  // Spherical between equal-norm vectors stays on the sphere.
  const u = [3, 4, 0];
  const v = [0, 0, 5];
  const sph = interpolatePath(u, v, 7, 'spherical');
  for (const z of sph) assert.ok(Math.abs(Math.hypot(...z) - 5) < 1e-12);
  assert.ok(Math.abs(sph[6][2] - 5) < 1e-12 && Math.abs(sph[0][0] - 3) < 1e-12);
  // Parallel ends fall back to linear.
  const par = interpolatePath([1, 1], [2, 2], 3, 'spherical');
  assert.deepEqual([...par[1]], [1.5, 1.5]);
});

test('quantile grid: equal prior mass per cell, y up', () => {
  const g = quantileGrid(4);
  assert.equal(g.length, 32);
  // first cell: top-left = (smallest z1, largest z2)
  assert.ok(Math.abs(g[0] - normalQuantile(0.125)) < 1e-6 && Math.abs(g[1] - normalQuantile(0.875)) < 1e-6);
  // symmetric about 0
  assert.ok(Math.abs(g[0] + g[2 * 3]) < 1e-6);
});
