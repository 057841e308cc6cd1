/** genlab sample / plot / report on a run of the tiny fixture family, called in-process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { initBackend } from '../../src/backend/index.js';
import { train } from '../../src/train/loop.js';
import { DEFAULT_TRAINING } from '../../src/train/config.js';
import { registerFamily } from '../../src/models/registry.js';
import { UserError } from '../../src/util/errors.js';
import { command as sample } from '../../src/cli/commands/sample.js';
import { command as plot } from '../../src/cli/commands/plot.js';
import { command as report } from '../../src/cli/commands/report.js';
import { tinyFamily } from '../fixtures/tiny_family.js';

await initBackend({ backend: 'cpu' });
registerFamily(tinyFamily);
const dir = mkdtempSync(join(tmpdir(), 'genlab-cmd-'));
const run = join(dir, 'run');
await train(
  tinyFamily,
  { genlab: 'test', model: 'tiny', training: { ...DEFAULT_TRAINING, data: 'toy:two-moons', steps: 12, batch: 16, logEvery: 2, sampleEvery: 0, checkpointEvery: 0 }, modelConfig: { hidden: 8, nanAtStep: 0 } },
  { out: run, resume: false, backend: 'cpu', quiet: true },
);
const quietly = async <T>(fn: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => undefined;
  try {
    return await fn();
  } finally {
    console.log = log;
  }
};

test('sample: the same seed gives the same points; CSV and JSON agree; PNG is a scatter plot', async () => {
  const csv = join(dir, 'a.csv');
  const json = join(dir, 'a.json');
  assert.equal(await quietly(() => sample.run([run, '--n', '7', '--seed', '3', '--out', csv, '--backend', 'cpu'])), 0);
  assert.equal(await quietly(() => sample.run([run, '--n', '7', '--seed', '3', '--out', json, '--backend', 'cpu'])), 0);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'x0,x1');
  const fromCsv = lines.slice(1).map((l) => l.split(',').map(Number));
  const fromJson = JSON.parse(readFileSync(json, 'utf8')).samples as number[][];
  assert.equal(fromCsv.length, 7);
  assert.deepEqual(fromCsv, fromJson);
  await quietly(() => sample.run([run, '--n', '7', '--seed', '4', '--out', json, '--backend', 'cpu']));
  assert.notDeepEqual(JSON.parse(readFileSync(json, 'utf8')).samples, fromJson);
  const png = join(dir, 'a.png');
  await quietly(() => sample.run([run, '--n', '50', '--out', png, '--backend', 'cpu']));
  assert.equal((await sharp(png).metadata()).format, 'png');
  await assert.rejects(sample.run([run, '--out', join(dir, 'a.txt')]), (e: Error) => e instanceof UserError && /use a .png, .webp, .csv or .json/.test(e.message));
  await assert.rejects(sample.run([join(dir, 'none')]), (e: Error) => e instanceof UserError && /no such run directory/.test(e.message));
});

test('plot and report read metrics.jsonl', async () => {
  const svg = join(dir, 'c.svg');
  assert.equal(await quietly(() => plot.run([run, '--metrics', 'loss', '--out', svg])), 0);
  const text = readFileSync(svg, 'utf8');
  assert.equal([...text.matchAll(/<polyline[^>]*points="([^"]+)"/g)][0][1].split(' ').length, 6, 'one point per logged step');
  await assert.rejects(plot.run([run, '--metrics', 'kl']), (e: Error) => e instanceof UserError && /'kl' is not in metrics.jsonl \(loss, grad_norm\)/.test(e.message));
  assert.equal(await quietly(() => report.run([run])), 0);
  const html = readFileSync(join(run, 'report.html'), 'utf8');
  assert.match(html, /genlab tiny on toy:two-moons/);
  assert.match(html, /Backend and timing/);
});
