/**
 * `genlab restore` (src/cli/commands/restore.ts, run in-process): what it writes (grids, the
 * restored images, metrics.json), noise-free DDNM consistency through the whole pipeline on the
 * shipped DDPM, one user image with a user mask, and bad input as one-line UserErrors before any work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { command } from '../../src/cli/commands/restore.js';
import { UserError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'genlab-restore-'));
const quiet = async (f: () => Promise<number>): Promise<number> => {
  const log = console.log;
  console.log = () => undefined;
  try {
    return await f();
  } finally {
    console.log = log;
  }
};

test('pinv on 6 test digits: a grid per batch, the restored images, metrics.json with every metric', async () => {
  const out = join(dir, 'pinv');
  const code = await quiet(() => command.run(['--task', 'sr', '--factor', '2', '--method', 'pinv', '--n', '6', '--batch', '4', '--out', out, '--backend', 'wasm', '--threads', '1']));
  assert.equal(code, 0);
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('grid-')).sort(), ['grid-000.png', 'grid-001.png']);
  assert.equal(readdirSync(join(out, 'restored')).length, 6);
  const meta = await sharp(join(out, 'grid-000.png')).metadata();
  assert.equal(meta.height, 4 * 56 + 5 * 2); // four rows of 28 x 28 at scale 2, padding 2
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  for (const k of ['psnr', 'ssim', 'consistency', 'fid', 'accuracy', 'fidTruth', 'accuracyTruth', 'secondsPerImage']) assert.equal(typeof m[k], 'number', k);
  assert.equal(m.psnr, m.psnrPinv);
  assert.ok(m.consistency < 1e-5, 'A A+ y = y');
  assert.equal(m.perImage.psnr.length, 6);
});

test('DDNM through the pipeline on pretrained:ddpm-mnist: noise-free y is met, ||A x - y|| ~ 0', async () => {
  const out = join(dir, 'ddnm');
  const code = await quiet(() => command.run(['pretrained:ddpm-mnist', '--task', 'inpaint', '--mask', 'random', '--missing', '0.8', '--method', 'ddnm', '--steps', '4', '--n', '2', '--out', out, '--backend', 'cpu', '--no-features']));
  assert.equal(code, 0);
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.ok(m.consistencyMax < 1e-4, `max ||A x - y|| = ${m.consistencyMax}`);
  assert.equal(m.fid, null);
  assert.equal(m.operator.knownPixels, 784 - Math.round(0.8 * 784));
});

test('one user image with a user mask (white = known)', async () => {
  const img = join(dir, 'digit.png');
  const mask = join(dir, 'mask.png');
  const px = Buffer.alloc(28 * 28);
  for (let i = 6; i < 22; i++) for (let j = 12; j < 16; j++) px[i * 28 + j] = 255; // a "1"
  await sharp(px, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(img);
  const m = Buffer.alloc(28 * 28, 255);
  for (let i = 0; i < 14; i++) for (let j = 0; j < 28; j++) m[i * 28 + j] = 0; // top half missing
  await sharp(m, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(mask);
  const out = join(dir, 'user');
  const code = await quiet(() => command.run(['--task', 'inpaint', '--input', img, '--mask', mask, '--method', 'pinv', '--out', out, '--backend', 'cpu']));
  assert.equal(code, 0);
  const r = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.equal(r.n, 1);
  assert.equal(r.operator.knownPixels, 14 * 28);
  assert.ok(existsSync(join(out, 'restored', '00000.png')));
});

test('bad input: one-line UserErrors naming the option, before any work', async () => {
  const cases: [string[], RegExp][] = [
    [['--task', 'sr', '--out', join(dir, 'x')], /--method/],
    [['--method', 'pinv', '--out', join(dir, 'x')], /--task/],
    [['--task', 'sr', '--method', 'ddnm', '--out', join(dir, 'x')], /ddpm model/],
    [['--task', 'warp', '--method', 'pinv', '--out', join(dir, 'x')], /--task must be one of/],
    [['--task', 'inpaint', '--mask', 'random', '--missing', '1.5', '--method', 'pinv', '--out', join(dir, 'x')], /--missing/],
    [['--task', 'cs', '--ratio', '2', '--method', 'pinv', '--out', join(dir, 'x')], /--ratio/],
    [['--task', 'sr', '--method', 'pinv'], /--out/],
    [['--task', 'inpaint', '--mask', join(dir, 'm.png'), '--method', 'pinv', '--out', join(dir, 'x')], /--input/],
    [['--task', 'sr', '--method', 'dgp', '--stages', '10x1,10x2', '--lr-g', '1e-3', 'runs/none', '--out', join(dir, 'x')], /--lr-g/],
  ];
  for (const [argv, re] of cases) {
    await assert.rejects(command.run(argv), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'), argv.join(' '));
  }
  assert.ok(!existsSync(join(dir, 'x')));
});

test('through genlab main: listed, --help, and exit status 2 with one line on bad input', () => {
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8' });
  assert.match(run(['--help']).stdout, /restore +zero-shot restoration/);
  assert.match(run(['restore', '--help']).stdout, /^usage: genlab restore MODEL/);
  const bad = run(['restore', '--task', 'sr', '--method', 'pinv', '--factor', '3', '--out', join(dir, 'bad3')]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /^genlab: restore: sr: 28x28 images do not split into 3x3 blocks/);
});
