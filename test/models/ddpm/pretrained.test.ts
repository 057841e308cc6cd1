/**
 * The shipped pretrained:ddpm-mnist works offline from the command line: DDIM sampling is
 * deterministic for a seed, trajectories are written, and the variational bound is finite
 * and in a plausible range; pretrained:ddpm-mnist-m colorizes with DDNM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const MAIN = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const genlab = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', GENLAB_THREADS: '1' } });

test('genlab sample pretrained:ddpm-mnist with DDIM: a grid, deterministic for a seed, with a trajectory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-pre-'));
  const a = genlab('sample', 'pretrained:ddpm-mnist', '--n', '4', '--sampler', 'ddim', '--steps', '8', '--seed', '3', '--out', join(dir, 'a.png'), '--trajectory', join(dir, 't.png'));
  assert.equal(a.status, 0, a.stderr);
  const b = genlab('sample', 'pretrained:ddpm-mnist', '--n', '4', '--sampler', 'ddim', '--steps', '8', '--seed', '3', '--out', join(dir, 'b.png'));
  assert.equal(b.status, 0, b.stderr);
  assert.deepEqual(readFileSync(join(dir, 'a.png')), readFileSync(join(dir, 'b.png')), 'eta = 0 maps the same noise to the same images');
  assert.ok(existsSync(join(dir, 't.png')));
  const meta = await sharp(join(dir, 'a.png')).metadata();
  assert.ok(meta.width! >= 56 && meta.height! >= 56);
  const bad = genlab('sample', 'pretrained:ddpm-mnist', '--sampler', 'ddim', '--steps', '5000');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--steps must be at most T = 1000/);
});

test('genlab eval pretrained:ddpm-mnist --metric nll gives a finite bound in bits/dim', () => {
  const r = genlab('eval', 'pretrained:ddpm-mnist', '--metric', 'nll', '--n', '8', '--timesteps', '10', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.ok(Number.isFinite(j.nll_bpd) && j.nll_bpd > 0 && j.nll_bpd < 8, `nll_bpd ${j.nll_bpd}`);
  assert.ok(Math.abs(j.prior_bpd + j.diffusion_bpd + j.decoder_bpd - j.nll_bpd) < 1e-6);
});

test('pretrained:ddpm-mnist-m colorizes: A x = y, and the colour it adds lies in the null space', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-pre-'));
  const r = genlab('restore', 'pretrained:ddpm-mnist-m', '--task', 'colorize', '--method', 'ddnm', '--data', 'mnist-m:test', '--n', '4', '--steps', '10', '--no-features', '--out', join(dir, 'c'), '--json');
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.ok(m.consistencyMax < 1e-5, `max ||A x - y|| ${m.consistencyMax}`); // grey(x_hat) = y
  // A+ y is grey (R = G = B); DDNM's colour is what the prior puts in (I - A+ A): channel differences.
  const { data, info } = await sharp(join(dir, 'c', 'restored', '00000.png')).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels >= 3, true);
  let spread = 0;
  for (let i = 0; i < info.width * info.height; i++) {
    const p = i * info.channels;
    spread += (Math.abs(data[p] - data[p + 1]) + Math.abs(data[p + 1] - data[p + 2])) / 255;
  }
  spread /= info.width * info.height;
  assert.ok(spread > 0.05, `mean channel spread ${spread}: no colour added`);
});
