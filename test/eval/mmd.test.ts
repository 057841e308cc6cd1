/** Gaussian-kernel MMD: hand-computed values, the Gaussian closed form, the median heuristic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianHeuristic, mmd } from '../../src/eval/mmd.js';
import { meanStd } from '../../src/eval/stats.js';
import { Rng } from '../../src/util/rng.js';

test('MMD^2_u on four hand-made points', () => {
  // x = {(0,0), (1,0)}, y = {(0,1), (0,2)}, h = 1: k = exp(-r^2 / 2)
  const k = (r2: number) => Math.exp(-r2 / 2);
  const kxx = k(1); //                      ||(0,0) - (1,0)||^2 = 1
  const kyy = k(1); //                      ||(0,1) - (0,2)||^2 = 1
  const kxy = k(1) + k(4) + k(2) + k(5); // (0,0)-(0,1), (0,0)-(0,2), (1,0)-(0,1), (1,0)-(0,2)
  const want = (2 * kxx) / 2 + (2 * kyy) / 2 - (2 * kxy) / 4;
  const got = mmd([0, 0, 1, 0], [0, 1, 0, 2], 2, 2, { bandwidth: 1 });
  assert.ok(Math.abs(got.mmd2 - want) < 1e-15, `${got.mmd2} vs ${want}`);
  assert.equal(got.bandwidth, 1);
});

test('median heuristic: pairwise distances 3, 4, 5 give h = 4', () => {
  assert.equal(medianHeuristic([0, 0, 3, 0], 2, [0, 4], 1, 2), 4);
});

/**
 * E k(x, y) for x ~ N(a, s^2 I), y ~ N(b, t^2 I) in D dimensions, k = exp(-||x - y||^2 / (2 h^2)):
 * x - y ~ N(a - b, (s^2 + t^2) I), so E k = (h^2 / (h^2 + s^2 + t^2))^(D/2) exp(-||a - b||^2 / (2 (h^2 + s^2 + t^2))).
 */
function expectedKernel(D: number, h: number, s: number, t: number, dist2: number): number {
  const v = h * h + s * s + t * t;
  return Math.pow((h * h) / v, D / 2) * Math.exp(-dist2 / (2 * v));
}

test('MMD^2_u matches the closed form for two Gaussians, is ~0 for one distribution and large for a shift', () => {
  const rng = new Rng(1);
  const n = 400, h = 1;
  const shifted: number[] = [];
  const same: number[] = [];
  const reps = 30;
  for (let r = 0; r < reps; r++) {
    const x = rng.normalArray(2 * n); // N(0, I)
    const y = rng.normalArray(2 * n, 0, 1); // N(0, I)
    const z = rng.normalArray(2 * n, 0, 1.5); // N((1, 1), 1.5^2 I)
    for (let i = 0; i < 2 * n; i++) z[i] += 1;
    same.push(mmd(x, y, n, n, { bandwidth: h }).mmd2);
    shifted.push(mmd(x, z, n, n, { bandwidth: h }).mmd2);
  }
  // MMD^2 = E k(x, x') + E k(z, z') - 2 E k(x, z)
  const exact = expectedKernel(2, h, 1, 1, 0) + expectedKernel(2, h, 1.5, 1.5, 0) - 2 * expectedKernel(2, h, 1, 1.5, 2);
  const sh = meanStd(shifted, 1), sm = meanStd(same, 1);
  assert.ok(Math.abs(sh.mean - exact) < 4 * sh.std / Math.sqrt(reps) + 1e-4, `shifted: ${sh.mean} +- ${sh.std} vs exact ${exact}`);
  assert.ok(Math.abs(sm.mean) < 4 * sm.std / Math.sqrt(reps) + 1e-4, `same: ${sm.mean} +- ${sm.std}`);
  assert.ok(exact > 0.05 && sh.mean > 50 * Math.abs(sm.mean), `shifted ${sh.mean} vs same ${sm.mean}`);
  // median heuristic bandwidth: same picture, h of the order of the spread
  const x = rng.normalArray(2 * n), y = rng.normalArray(2 * n, 3);
  const auto = mmd(x, y, n, n);
  assert.ok(auto.bandwidth > 1.5 && auto.bandwidth < 6, `bandwidth ${auto.bandwidth}`);
  assert.ok(auto.mmd2 > 0.3, `${auto.mmd2}`);
});
