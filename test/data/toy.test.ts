import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeDataset, loadSource, toyModes, toyNames, type PointDataset } from '../../src/data/index.js';

async function toy(name: string, opts: Parameters<typeof loadSource>[1] = {}): Promise<PointDataset> {
  const ds = await loadSource(`toy:${name}`, opts);
  assert.equal(ds.kind, 'points');
  return ds as PointDataset;
}

test('toy: default sizes, seeded and reproducible, train and test differ, limit is a prefix', async () => {
  for (const name of toyNames) {
    const a = await toy(name);
    const b = await toy(name);
    const t = await toy(`${name}:test`);
    assert.equal(a.n, 10_000);
    assert.equal(a.points.length, 20_000);
    assert.equal(t.n, 2_000);
    assert.deepEqual(a.points, b.points, name);
    assert.notDeepEqual(a.points.subarray(0, 20), t.points.subarray(0, 20));
    const s1 = await toy(name, { seed: 1, n: 500 });
    assert.equal(s1.n, 500);
    assert.notDeepEqual(s1.points.subarray(0, 20), a.points.subarray(0, 20));
    const lim = await toy(name, { limit: 100 });
    assert.deepEqual(lim.points, a.points.subarray(0, 200));
    for (const v of a.points) assert.ok(Number.isFinite(v));
  }
});

/** Per-mode sample std and the largest distance in std units from the labelled mode. */
function modeFit(ds: PointDataset): { stds: number[]; maxZ: number; counts: number[] } {
  const m = ds.modes!.length / 2;
  const sq = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  let maxZ = 0;
  for (let i = 0; i < ds.n; i++) {
    const k = ds.labels![i];
    const dx = ds.points[2 * i] - ds.modes![2 * k];
    const dy = ds.points[2 * i + 1] - ds.modes![2 * k + 1];
    sq[k] += dx * dx + dy * dy;
    counts[k]++;
    maxZ = Math.max(maxZ, Math.abs(dx) / ds.modeStd!, Math.abs(dy) / ds.modeStd!);
  }
  // isotropic 2-D Gaussian: E[dx^2 + dy^2] = 2 sigma^2
  return { stds: sq.map((s, k) => Math.sqrt(s / (2 * counts[k]))), maxZ, counts };
}

test('eight-gaussians: 8 modes on the circle of radius 2, std 0.02, every mode used', async () => {
  const ds = await toy('eight-gaussians');
  assert.equal(ds.modeStd, 0.02);
  assert.equal(ds.modes!.length, 16);
  for (let k = 0; k < 8; k++) {
    assert.ok(Math.abs(Math.hypot(ds.modes![2 * k], ds.modes![2 * k + 1]) - 2) < 1e-6);
    // angle 2 pi k / 8
    const ang = Math.atan2(ds.modes![2 * k + 1], ds.modes![2 * k]);
    assert.ok(Math.abs(Math.cos(ang - (2 * Math.PI * k) / 8) - 1) < 1e-9);
  }
  const fit = modeFit(ds);
  for (const s of fit.stds) assert.ok(Math.abs(s - 0.02) < 0.02 * 0.06, `std ${s}`);
  assert.ok(fit.maxZ < 5.5, `max |z| ${fit.maxZ}`);
  // multinomial counts: 1250 +- 3 sd (sd = sqrt(10000 * 1/8 * 7/8) = 33)
  for (const c of fit.counts) assert.ok(Math.abs(c - 1250) < 100, `count ${c}`);
  const info = describeDataset(ds);
  assert.equal(info.modes!.count, 8);
  assert.equal(info.modes!.std, 0.02);
});

test('twenty-five-gaussians: 5x5 grid at {-4,-2,0,2,4}, std 0.05', async () => {
  const ds = await toy('twenty-five-gaussians');
  const { modes, std } = toyModes('twenty-five-gaussians')!;
  assert.equal(std, 0.05);
  const xs = new Set<number>();
  for (let k = 0; k < 25; k++) xs.add(modes[2 * k]);
  assert.deepEqual([...xs].sort((a, b) => a - b), [-4, -2, 0, 2, 4]);
  const fit = modeFit(ds);
  for (const s of fit.stds) assert.ok(Math.abs(s - 0.05) < 0.05 * 0.12, `std ${s}`);
  assert.ok(fit.maxZ < 5.5);
  assert.equal(fit.counts.filter((c) => c > 0).length, 25);
});

test('two-moons: centred, E[x] = E[y] = 0 by construction; moons balanced', async () => {
  const ds = await toy('two-moons');
  const info = describeDataset(ds);
  // E[x] = 2 (E[cos t]/2 + (1 - E[cos t])/2 - 1/2) = 0;  E[y] = 2 ((2/pi)/2 + (1/2 - 2/pi)/2 - 1/4) = 0
  assert.ok(Math.abs(info.mean[0]) < 0.05 && Math.abs(info.mean[1]) < 0.05, `mean ${info.mean}`);
  const ones = ds.labels!.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(ones - 5000) < 200);
});

test('circles: radii 2 and 1 by label, noise std 0.05', async () => {
  const ds = await toy('circles');
  const sum = [0, 0];
  const sq = [0, 0];
  const cnt = [0, 0];
  for (let i = 0; i < ds.n; i++) {
    const r = Math.hypot(ds.points[2 * i], ds.points[2 * i + 1]);
    const c = ds.labels![i];
    sum[c] += r;
    sq[c] += r * r;
    cnt[c]++;
  }
  const mean = sum.map((s, c) => s / cnt[c]);
  assert.ok(Math.abs(mean[0] - 2) < 0.01 && Math.abs(mean[1] - 1) < 0.01, `radii ${mean}`);
  // radial noise ~ N(0, 0.05^2) to first order
  const sd = sq.map((s, c) => Math.sqrt(s / cnt[c] - mean[c] ** 2));
  for (const s of sd) assert.ok(Math.abs(s - 0.05) < 0.005, `radial sd ${s}`);
});

test('checkerboard: every point in a dark cell, 1/8 of the points per cell', async () => {
  const ds = await toy('checkerboard');
  const counts = new Array<number>(8).fill(0);
  for (let k = 0; k < ds.n; k++) {
    const x = ds.points[2 * k];
    const y = ds.points[2 * k + 1];
    assert.ok(x >= -4 && x <= 4 && y >= -4 && y <= 4);
    const i = Math.floor((x + 4) / 2);
    const j = Math.floor((y + 4) / 2);
    assert.equal((i + j) % 2, 0, `(${x}, ${y}) in a light cell`);
    counts[ds.labels![k]]++;
  }
  for (const c of counts) assert.ok(Math.abs(c - 1250) < 100);
});

test('swiss-roll and spiral stay on their curves', async () => {
  const roll = await toy('swiss-roll');
  for (let i = 0; i < roll.n; i++) {
    // |x| * 5 = t within noise, t in [1.5 pi, 4.5 pi]
    const r = 5 * Math.hypot(roll.points[2 * i], roll.points[2 * i + 1]);
    assert.ok(r > 1.5 * Math.PI - 3 && r < 4.5 * Math.PI + 3, `r ${r}`);
  }
  const sp = await toy('spiral');
  for (let i = 0; i < sp.n; i++) assert.ok(Math.hypot(sp.points[2 * i], sp.points[2 * i + 1]) < 3.6);
});
