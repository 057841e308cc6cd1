/** Mode coverage on hand-made points and on the ring toy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modeCoverage } from '../../src/eval/modes.js';
import { sampleToy, toyModes } from '../../src/data/toy.js';
import { Rng } from '../../src/util/rng.js';

test('modeCoverage on hand-made points: nearest-mode assignment, 3-std radius, count threshold', () => {
  const centres = [0, 0, 10, 0, 0, 10]; // std 1: high quality within distance 3
  const points = [
    0, 0, 1, 1, -2, 2, 0, -2.9, 2.1, 2.1, // 5 near mode 0 (|(2.1, 2.1)| = 2.97 < 3)
    10, 1, 12.5, 0, //                        2 near mode 1
    0, 12.9, //                               1 near mode 2 (distance 2.9)
    0, 13.1, //                               distance 3.1 from mode 2: not high quality
    5, 5, //                                  between modes: not high quality
  ];
  const n = points.length / 2;
  assert.equal(n, 10);
  // default threshold: ceil(0.2 * 10 / 3) = 1
  const r = modeCoverage(points, n, centres, 3, { std: 1 });
  assert.deepEqual(r.perMode, [5, 2, 1]);
  assert.equal(r.hq, 0.8);
  assert.equal(r.threshold, 1);
  assert.equal(r.modes, 3);
  // a stricter fixed count: mode 2 (1 sample) and mode 1 (2 samples) drop out in turn
  assert.equal(modeCoverage(points, n, centres, 3, { std: 1, minCount: 2 }).modes, 2);
  assert.equal(modeCoverage(points, n, centres, 3, { std: 1, minCount: 3 }).modes, 1);
  // a wider radius makes the (0, 13.1) sample high quality
  const wide = modeCoverage(points, n, centres, 3, { std: 1, radiusStd: 3.2 });
  assert.deepEqual(wide.perMode, [5, 2, 2]);
  // the default share rule: ceil(0.2 * n / m); PacGAN's 20 of 2,500 samples on 25 modes
  assert.equal(modeCoverage(new Float64Array(5000), 2500, new Float64Array(50), 25, { std: 1 }).threshold, 20);
});

test('ring of 8 Gaussians: true samples cover all 8 modes with ~98.9% high quality; a collapsed generator covers 3', () => {
  const rng = new Rng(1);
  const { modes, std } = toyModes('eight-gaussians')!;
  const n = 4000;
  const real = sampleToy('eight-gaussians', n, rng);
  const r = modeCoverage(real.points, n, modes, 8, { std });
  assert.equal(r.modes, 8);
  // P(||z|| <= 3) for a 2-D standard normal is 1 - exp(-9/2) = 0.98889
  const p = 1 - Math.exp(-4.5);
  assert.ok(Math.abs(r.hq - p) < 3 * Math.sqrt((p * (1 - p)) / n), `hq ${r.hq} vs ${p}`);
  // keep only samples of modes 0, 3, 5 (mode collapse), plus a few stragglers on mode 1
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = real.labels![i];
    if (label === 0 || label === 3 || label === 5) kept.push(real.points[2 * i], real.points[2 * i + 1]);
  }
  for (let i = 0, added = 0; i < n && added < 3; i++) {
    if (real.labels![i] === 1) { kept.push(real.points[2 * i], real.points[2 * i + 1]); added++; }
  }
  const m = kept.length / 2;
  const c = modeCoverage(kept, m, modes, 8, { std });
  assert.equal(c.modes, 3, `per mode ${c.perMode.join(',')}`);
  assert.equal(c.perMode[1], 3);
  assert.equal(c.perMode[2] + c.perMode[4] + c.perMode[6] + c.perMode[7], 0);
  // VEEGAN's rule (one sample is enough) counts the stragglers' mode too
  assert.equal(modeCoverage(kept, m, modes, 8, { std, minCount: 1 }).modes, 4);
});

test('wide modes and spread: clusters five times wider than the data keep all 8 wide modes, lose the 3-std ones', () => {
  const { modes, std } = toyModes('eight-gaussians')!;
  // the ring's closest centres are 2 * 2 sin(pi / 8) = 1.531 apart: wide radius 0.383
  const r0 = modeCoverage(new Float64Array(2), 1, modes, 8, { std });
  assert.ok(Math.abs(r0.wideRadius - Math.sin(Math.PI / 8)) < 1e-6, `wide radius ${r0.wideRadius}`);
  const rng = new Rng(2);
  const n = 4000;
  const real = sampleToy('eight-gaussians', n, rng);
  // true samples: median distance / std is the median of a 2-D Rayleigh, sqrt(2 ln 2) = 1.177
  const r = modeCoverage(real.points, n, modes, 8, { std });
  assert.ok(Math.abs(r.spread - Math.sqrt(2 * Math.LN2)) < 0.05, `spread ${r.spread}`);
  assert.equal(r.modesWide, 8);
  // blow every cluster up 5x around its centre: 3 std of the data is 0.6 std of these
  const wide = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = real.labels![i];
    for (let k = 0; k < 2; k++) wide[2 * i + k] = modes[2 * c + k] + 5 * (real.points[2 * i + k] - modes[2 * c + k]);
  }
  const w = modeCoverage(wide, n, modes, 8, { std });
  assert.equal(w.modesWide, 8);
  assert.ok(Math.abs(w.spread - 5 * Math.sqrt(2 * Math.LN2)) < 0.25, `spread ${w.spread}`);
  // P(||z|| <= 3/5) = 1 - exp(-0.18) = 0.165 of samples still count as high quality
  assert.ok(Math.abs(w.hq - (1 - Math.exp(-0.18))) < 0.02, `hq ${w.hq}`);
});
