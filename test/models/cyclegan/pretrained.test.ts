/**
 * The shipped pretrained:cyclegan-mnist-mnist-m (ngf 32 with a style code for mnist-m, float16
 * weights read back as float32) from the command line: on the first 200 test images of each
 * domain, the translations keep their labels by the shipped classifiers about as well as on the
 * whole test sets (see pretrained/README.md), the cycle reconstructs (measured: a2b 0.955, b2a
 * 0.925, cycle L1 0.016 / 0.073; the previous ngf-16 model gave b2a 0.90 and cycle L1 b 0.085,
 * the one without the style code b2a 0.86), and `genlab translate` writes its rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const MAIN = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const genlab = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', GENLAB_THREADS: '1' } });

test('pretrained:cyclegan-mnist-mnist-m keeps labels both ways and closes the cycle', { timeout: 300_000 }, () => {
  const r = genlab('eval', 'pretrained:cyclegan-mnist-mnist-m', '--metric', 'preservation,cycle', '--n', '200', '--json');
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout) as Record<string, number>;
  assert.equal(m.n, 200);
  assert.ok(m.preservation_a2b >= 0.93, `a2b ${m.preservation_a2b}`);
  assert.ok(m.preservation_b2a >= 0.91, `b2a ${m.preservation_b2a}`);
  assert.ok(m.cycle_l1_a < 0.03 && m.cycle_l1_b < 0.08, `cycle ${m.cycle_l1_a} ${m.cycle_l1_b}`);
});

test('genlab translate pretrained:cyclegan-mnist-mnist-m: rows of input, translation, reconstruction', { timeout: 120_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'genlab-cyc-pre-')), 'b2a.png');
  const r = genlab('translate', 'pretrained:cyclegan-mnist-mnist-m', '--direction', 'b2a', '--data', 'mnist-m:test', '--n', '8', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const meta = await sharp(out).metadata();
  assert.ok(meta.height! >= 3 * 28 && meta.width! >= 8 * 28, `${meta.width}x${meta.height}`);
});
