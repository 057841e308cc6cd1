/** Linear and spherical interpolation (src/math/slerp.ts) against closed-form points. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolatePath, lerp, slerp } from '../../src/math/slerp.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-15): boolean => a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol);

test('slerp on the unit circle: the point at angle t * theta; lerp: (1 - t) a + t b', () => {
  // a = e1, b = e2 (theta = pi/2): slerp(t) = (cos(t pi/2), sin(t pi/2)).
  const a = [1, 0];
  const b = [0, 1];
  for (const t of [0, 1 / 3, 0.5, 0.9, 1]) {
    assert.ok(close(slerp(a, b, t), [Math.cos((t * Math.PI) / 2), Math.sin((t * Math.PI) / 2)]), `slerp at ${t}: ${slerp(a, b, t)}`);
  }
  assert.ok(close(slerp(a, b, 1 / 3), [Math.sqrt(3) / 2, 0.5]));
  // Unequal norms: the coefficients are the same, sin((1 - t) theta)/sin theta and sin(t theta)/sin theta.
  assert.ok(close(slerp([2, 0], [0, 4], 0.5), [2 * Math.SQRT1_2, 4 * Math.SQRT1_2]));
  assert.deepEqual([...lerp([1, -2, 4], [3, 2, 0], 0.25)], [1.5, -1, 3]);
});

test('slerp falls back to lerp for parallel, antiparallel and zero vectors; float32 inputs are read as float64', () => {
  assert.deepEqual([...slerp([1, 1], [2, 2], 0.5)], [1.5, 1.5]);
  assert.deepEqual([...slerp([1, 0], [-1, 0], 0.25)], [0.5, 0]);
  assert.deepEqual([...slerp([0, 0], [2, 2], 0.5)], [1, 1]);
  const f = slerp(Float32Array.of(1, 0), Float32Array.of(0, 1), 0.5);
  assert.ok(f instanceof Float64Array && close(f, [Math.SQRT1_2, Math.SQRT1_2]));
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

test('interpolatePath rejects fewer than two points', () => {
  assert.throws(() => interpolatePath([0], [1], 1, 'linear'), /steps must be >= 2/);
});
