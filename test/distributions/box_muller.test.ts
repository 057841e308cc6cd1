/** Box-Muller: the transform by hand, Rng.normalArray unchanged by the refactor, moments, KS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxMuller, normals } from '../../src/distributions/box_muller.js';
import { ksTest, moments } from '../../src/eval/stats.js';
import { normalCdf } from '../../src/math/normal.js';
import { Rng } from '../../src/util/rng.js';

test('boxMuller by hand: u1 = exp(-1/2) gives radius 1; u2 sets the angle 2 pi u2', () => {
  const u1 = Math.exp(-0.5); // sqrt(-2 ln u1) = 1
  const [a0, a1] = boxMuller(u1, 0);
  assert.ok(Math.abs(a0 - 1) < 1e-15 && Math.abs(a1) < 1e-15);
  const [b0, b1] = boxMuller(u1, 0.25);
  assert.ok(Math.abs(b0) < 1e-15 && Math.abs(b1 - 1) < 1e-15);
  const [c0, c1] = boxMuller(Math.exp(-2), 0.5); // radius 2, angle pi
  assert.ok(Math.abs(c0 + 2) < 1e-15 && Math.abs(c1) < 1e-15);
  const [d0, d1] = boxMuller(1, 0.3); // u1 = 1: radius 0
  assert.ok(d0 === 0 && d1 === 0);
});

test('Rng.normalArray still produces exactly the pre-refactor stream; normals() consumes the same uniforms', () => {
  // the original inline code of Rng.normalArray, kept here as the golden reference
  const original = (rng: Rng, n: number, mean: number, std: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(rng.uniformOpen()));
      const theta = 2 * Math.PI * rng.uniform();
      out[i] = mean + std * r * Math.cos(theta);
      if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(theta);
    }
    return out;
  };
  for (const [mean, std] of [[0, 1], [0, 0.02], [0, 0.5], [1.5, 0.3], [-2, 3.7]]) {
    const a = new Rng(7).normalArray(100001, mean, std);
    const b = original(new Rng(7), 100001, mean, std);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) assert.fail(`sample ${i} differs for mean ${mean} std ${std}: ${a[i]} vs ${b[i]}`);
  }
  const r1 = new Rng(3), r2 = new Rng(3);
  const z64 = normals(r1, 1001), z32 = r2.normalArray(1001);
  for (let i = 0; i < z64.length; i++) assert.equal(Math.fround(z64[i]), z32[i]);
  assert.deepEqual(r1.state(), r2.state());
});

test('Box-Muller normals: mean, variance, skewness, excess kurtosis within 4 standard errors (n = 200,000)', () => {
  const n = 200000;
  const m = moments(normals(new Rng(11), n));
  assert.ok(Math.abs(m.mean) < 4 * Math.sqrt(1 / n), `mean ${m.mean}`);
  assert.ok(Math.abs(m.variance - 1) < 4 * Math.sqrt(2 / n), `variance ${m.variance}`);
  assert.ok(Math.abs(m.skewness) < 4 * Math.sqrt(6 / n), `skewness ${m.skewness}`);
  assert.ok(Math.abs(m.excessKurtosis) < 4 * Math.sqrt(24 / n), `excess kurtosis ${m.excessKurtosis}`);
});

test('KS test: Box-Muller output passes (p > 0.01, n = 20,000); wrong distributions and a buggy transform fail', () => {
  const n = 20000;
  const z = normals(new Rng(1), n);
  const good = ksTest(z, (v) => normalCdf(v));
  assert.ok(good.pValue > 0.01, `Box-Muller p = ${good.pValue}, D = ${good.statistic}`);
  // the cosine and sine halves separately are normal too
  const cos = z.filter((_, i) => i % 2 === 0), sin = z.filter((_, i) => i % 2 === 1);
  assert.ok(ksTest(cos, (v) => normalCdf(v)).pValue > 0.01 && ksTest(sin, (v) => normalCdf(v)).pValue > 0.01);
  const rng = new Rng(2);
  const fails = (sample: ArrayLike<number>, what: string) => {
    const r = ksTest(sample, (v) => normalCdf(v));
    assert.ok(r.pValue < 1e-4, `${what} should be rejected: p = ${r.pValue}, D = ${r.statistic}`);
  };
  fails(normals(rng, n).map((v) => v + 0.05), 'N(0.05, 1)');
  fails(normals(rng, n).map((v) => 1.05 * v), 'N(0, 1.05^2)');
  // Laplace with unit variance (scale 1/sqrt 2): same mean and variance, heavier tails
  const laplace = Float64Array.from({ length: n }, () => {
    const u = rng.uniformOpen() - 0.5;
    return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u)) / Math.SQRT2;
  });
  fails(laplace, 'Laplace(0, 1/sqrt 2)');
  // a typical bug: radius sqrt(-ln u1) instead of sqrt(-2 ln u1)
  fails(Float64Array.from({ length: n }, () => Math.sqrt(-Math.log(rng.uniformOpen())) * Math.cos(2 * Math.PI * rng.uniform())), 'missing factor 2');
});
