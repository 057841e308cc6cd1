/**
 * Fit-then-sample with classical densities: a GMM on the eight-Gaussians ring finds the modes;
 * a Gaussian on mnist pixels is a baseline that can be saved, reloaded and sampled to PNG/CSV/JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitSource, writeFitDir, loadFitDir, sampleFitDir, densityOf, dataMatrix } from '../../../src/models/fitted/fit.js';
import { hdrThresholds } from '../../../src/models/fitted/plot.js';
import { readImage } from '../../../src/io/png.js';
import { UserError } from '../../../src/util/errors.js';
import { command as fitCommand } from '../../../src/cli/commands/fit.js';

test('GMM on toy:eight-gaussians puts one component on each mode', async () => {
  const { record, train } = await fitSource('gmm', 'toy:eight-gaussians', { components: 8, seed: 0 });
  assert.equal(train.kind, 'points');
  if (train.kind !== 'points' || record.params.kind !== 'gmm') return;
  const modes = train.modes!;
  const std = train.modeStd!;
  const used = new Set<number>();
  for (let m = 0; m < 8; m++) {
    let best = -1;
    let bestD = Infinity;
    record.params.components.forEach((c, i) => {
      const d = Math.hypot(c.mean[0] - modes[2 * m], c.mean[1] - modes[2 * m + 1]);
      if (d < bestD) [best, bestD] = [i, d];
    });
    assert.ok(bestD < std, `mode ${m}: nearest component mean ${bestD.toFixed(4)} away (std ${std})`);
    used.add(best);
    assert.ok(Math.abs(record.params.weights[best] - 1 / 8) < 0.03, `weight ${record.params.weights[best]}`);
    // each component's variance is the mode's: std^2 per coordinate
    const comp = record.params.components[best];
    if (comp.covariance === 'full') assert.ok(Math.abs(Math.sqrt(comp.cov[0]) - std) < 0.2 * std, `component std ${Math.sqrt(comp.cov[0])}`);
  }
  assert.equal(used.size, 8, 'every mode has its own component');
  // log-likelihood near the true mixture's: per point, log(1/8 N(0, std^2 I)) at typical distance = -log 8 - log(2 pi std^2) - 1
  const truth = -Math.log(8) - Math.log(2 * Math.PI * std * std) - 1;
  assert.ok(Math.abs(record.metrics.testLogLik! - truth) < 0.1, `test log-lik ${record.metrics.testLogLik} vs ${truth}`);
});

test('Gaussian fit on mnist pixels: MLE parameters, saved, reloaded and sampled (PNG, CSV, JSON)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'genlab-fit-'));
  try {
    const { record, train } = await fitSource('gaussian', 'mnist', { covariance: 'diag', limit: 3000 });
    assert.equal(train.kind, 'images');
    const { x, n, d } = dataMatrix(train);
    assert.equal(d, 784);
    assert.equal(record.params.kind, 'gaussian');
    if (record.params.kind !== 'gaussian' || record.params.covariance !== 'diag') throw new Error('diag gaussian expected');
    // MLE: mean and (1/n) variance of each pixel, plus the ridge.
    for (const j of [0, 300, 406, 783]) {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i * d + j];
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (x[i * d + j] - m) ** 2;
      v = v / n + record.options.ridge;
      assert.ok(Math.abs(record.params.mean[j] - m) < 1e-9 && Math.abs(record.params.var[j] - v) < 1e-9, `pixel ${j}`);
    }
    // Train log-likelihood: sum of univariate log-densities, recomputed here.
    let ll = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = record.params.var[j];
        ll += -0.5 * Math.log(2 * Math.PI * v) - (x[i * d + j] - record.params.mean[j]) ** 2 / (2 * v);
      }
    }
    assert.ok(Math.abs(record.metrics.trainLogLik - ll / n) < 1e-6 * Math.abs(ll / n));
    assert.ok(record.metrics.testLogLik! < record.metrics.trainLogLik + 50);

    const files = await writeFitDir(dir, record, train);
    assert.deepEqual(files.map((f) => f.slice(dir.length + 1)), ['fit.json', 'fit.png', 'means.png']);
    const back = await loadFitDir(dir);
    assert.deepEqual(back.params, record.params);

    await sampleFitDir(dir, 16, 3, join(dir, 's.png'));
    const img = await readImage(join(dir, 's.png'));
    // 4 x 4 grid of 56-pixel images (scale 2) with 2-pixel padding
    assert.equal(img.width, 4 * 56 + 5 * 2);
    assert.equal(img.height, 4 * 56 + 5 * 2);

    // Samples have the fitted moments: mean over 2000 samples close to mu.
    await sampleFitDir(dir, 2000, 4, join(dir, 's.csv'));
    const lines = (await readFile(join(dir, 's.csv'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2001);
    assert.equal(lines[0].split(',').length, 784);
    const j = 406;
    let m = 0;
    for (const line of lines.slice(1)) m += Number(line.split(',')[j]);
    m /= 2000;
    const se = Math.sqrt(record.params.var[j] / 2000);
    assert.ok(Math.abs(m - record.params.mean[j]) < 4 * se, `sample mean ${m} vs ${record.params.mean[j]} (se ${se})`);

    await sampleFitDir(dir, 3, 4, join(dir, 's.json'));
    const js = JSON.parse(await readFile(join(dir, 's.json'), 'utf8')) as { samples: number[][] };
    assert.equal(js.samples.length, 3);
    assert.equal(js.samples[0].length, 784);
    // same seed, same samples, whatever the format
    const first = lines[1].split(',').map(Number);
    assert.ok(js.samples[0].every((v, i) => Math.abs(v - first[i]) < 1e-6));

    await assert.rejects(sampleFitDir(dir, 3, 0, join(dir, 's.txt')), UserError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fit directories: refuses to overwrite, reports unreadable and corrupt records in one line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'genlab-fit-'));
  try {
    await assert.rejects(loadFitDir(join(dir, 'none')), (e: unknown) => e instanceof UserError && /fit\.json/.test(e.message));
    await mkdir(join(dir, 'bad'));
    await writeFile(join(dir, 'bad', 'fit.json'), '{"kind": "fit", "distribution": "gaussian", "dataShape": {"kind": "points", "shape": [2]}, "params": {"kind": "gaussian", "covariance": "diag", "dim": 2, "mean": [0, 0], "var": [1]}}');
    await assert.rejects(loadFitDir(join(dir, 'bad')), (e: unknown) => e instanceof UserError && /var/.test(e.message) && !e.message.includes('\n'));
    await writeFile(join(dir, 'bad', 'fit.json'), '{not json');
    await assert.rejects(loadFitDir(join(dir, 'bad')), /not valid JSON/);
    const before = await readFile(join(dir, 'bad', 'fit.json'), 'utf8');
    await assert.rejects(fitCommand.run(['gaussian', '--data', 'toy:two-moons', '--out', join(dir, 'bad')]), /already holds a fit/);
    assert.equal(await readFile(join(dir, 'bad', 'fit.json'), 'utf8'), before, 'existing fit untouched');
    await assert.rejects(fitCommand.run(['gaussian', '--data', 'toy:two-moons', '--components', '3', '--out', join(dir, 'x')]), /gmm only/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('HDR thresholds enclose the requested mass', () => {
  const dens = Float64Array.from({ length: 100 }, (_, i) => i + 1); // total 5050
  const [t50, t90] = hdrThresholds(dens, [0.5, 0.9]);
  // top cells 100, 99, ... until >= 2525: 100 + ... + 71 = 2555
  assert.equal(t50, 71);
  let mass = 0;
  for (const v of dens) if (v >= t90) mass += v;
  assert.ok(mass >= 0.9 * 5050 && mass - t90 < 0.9 * 5050);
  // densityOf on a 1-D-like diag Gaussian: log N(0; 0, 1) per coordinate
  const g = densityOf({ kind: 'gaussian', covariance: 'diag', dim: 2, mean: [0, 0], var: [1, 1] });
  assert.ok(Math.abs(g.logPdfBatch([0, 0], 1)[0] + Math.log(2 * Math.PI)) < 1e-12);
});
