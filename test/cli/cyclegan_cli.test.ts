/**
 * CycleGAN through the command line (tsx, from source): `genlab train cyclegan --data-a mnist
 * --data-b mnist-m` with its periodic figures, report and resume; `genlab translate`; `genlab
 * eval --metric preservation,cycle,fid` (with a small mnist-m classifier trained here, which
 * also checks that `genlab train classifier --data mnist-m` works on RGB); and bad input: exit
 * status 2 with one line on stderr, nothing written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const ROOT = join(import.meta.dirname, '..', '..');

function genlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return genlabEnv({}, ...args);
}

function genlabEnv(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: ReturnType<typeof genlab>): string {
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

function badInput(r: ReturnType<typeof genlab>, ...fragments: string[]): void {
  assert.equal(r.status, 2, `exit ${r.status}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${r.stderr}`);
  assert.match(lines[0], /^genlab: /);
  for (const f of fragments) assert.ok(lines[0].includes(f), `'${lines[0]}' lacks '${f}'`);
  assert.equal(r.stdout, '');
}

const dir = mkdtempSync(join(tmpdir(), 'genlab-cyclegan-cli-'));
const run = join(dir, 'run');
const TINY = ['--g-channels', '4', '--res-blocks', '1', '--d-channels', '4', '--batch', '4', '--threads', '1', '--quiet'];

test('train cyclegan mnist -> mnist-m: figures of both directions, report, resume', () => {
  ok(genlab('train', 'cyclegan', '--data-a', 'mnist', '--data-b', 'mnist-m', '--out', run, '--steps', '4', '--sample-every', '2', '--checkpoint-every', '2', '--log-every', '1', ...TINY));
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(config.training.data, 'mnist');
  assert.deepEqual(config.training.streams, { b: 'mnist-m' });
  assert.deepEqual(config.dataShape.streams.b.shape, [28, 28, 3]);
  const samples = readdirSync(join(run, 'samples')).sort();
  for (const f of ['a2b-step-0000002.png', 'a2b-step-0000004.png', 'b2a-step-0000004.png', 'step-0000004.png']) assert.ok(samples.includes(f), `${f} in ${samples}`);
  const report = readFileSync(join(run, 'report.html'), 'utf8');
  assert.match(report, /<h2>Translations<\/h2>/);
  assert.match(report, /samples\/b2a-step-0000004\.png/);
  ok(genlab('train', 'cyclegan', '--out', run, '--resume', '--steps', '6', '--sample-every', '2', '--checkpoint-every', '2', '--log-every', '1', ...TINY));
  const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
  assert.deepEqual(steps, [1, 2, 3, 4, 5, 6]);
});

test('translate: rows of input, translation, reconstruction; bad input exits 2 with one line', async () => {
  const out = join(dir, 'a2b.png');
  assert.equal(ok(genlab('translate', run, '--direction', 'a2b', '--n', '10', '--cols', '5', '--scale', '1', '--out', out, '--threads', '1')).trim(), out);
  // 10 images in groups of 5: 2 groups x 3 rows of 28 px, 5 columns, 2 px between and around
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.width, meta.height], [5 * 28 + 6 * 2, 6 * 28 + 7 * 2]);
  const mnistM = join(dir, 'b2a.png');
  ok(genlab('translate', run, '--direction', 'b2a', '--data', 'mnist-m:train', '--n', '3', '--out', mnistM, '--threads', '1'));
  assert.ok(existsSync(mnistM));

  badInput(genlab('translate', run, '--out', join(dir, 'x.png')), '--direction', 'a2b');
  badInput(genlab('translate', run, '--direction', 'sideways', '--out', join(dir, 'x.png')), '--direction');
  badInput(genlab('translate', run, '--direction', 'a2b', '--data', 'toy:spiral', '--out', join(dir, 'x.png')), 'toy:spiral', '2-D points');
  badInput(genlab('translate', run, '--direction', 'a2b', '--out', join(dir, 'x.csv')), '.png');
  badInput(genlab('translate', join(dir, 'nothing'), '--direction', 'a2b', '--out', join(dir, 'x.png')), 'nothing');
  badInput(genlab('translate', 'pretrained:classifier-mnist', '--direction', 'a2b', '--out', join(dir, 'x.png')), "'classifier' run");
  assert.ok(!existsSync(join(dir, 'x.png')));
});

test('train cyclegan: bad domain flags exit 2 before any work', () => {
  const out = join(dir, 'never');
  badInput(genlab('train', 'cyclegan', '--data-a', 'mnist', '--out', out), '--data-b');
  badInput(genlab('train', 'cyclegan', '--data', 'mnist', '--data-a', 'mnist', '--data-b', 'mnist-m', '--out', out), '--data-a', '--data');
  badInput(genlab('train', 'cyclegan', '--data-b', 'cifar10', '--out', out), 'cifar10');
  // without python3-skimage's photographs: the apt package named, and no run directory made
  badInput(genlabEnv({ GENLAB_SKIMAGE_DATA_DIR: join(dir, 'no-skimage') }, 'train', 'cyclegan', '--data-b', 'mnist-m', '--out', out), 'apt-get install python3-skimage');
  assert.ok(!existsSync(out));
});

test('eval: preservation, cycle and fid as JSON, with a small mnist-m classifier trained on RGB', () => {
  const clf = join(dir, 'clf-mnist-m');
  ok(genlab('train', 'classifier', '--data', 'mnist-m', '--out', clf, '--steps', '30', '--batch', '32', '--threads', '1', '--quiet'));
  assert.deepEqual(JSON.parse(readFileSync(join(clf, 'config.json'), 'utf8')).dataShape.shape, [28, 28, 3]);
  const r = JSON.parse(ok(genlab('eval', run, '--metric', 'preservation,cycle,fid', '--n', '100', '--features-b', clf, '--json', '--threads', '1')));
  assert.deepEqual(Object.keys(r).sort(), ['cycle_l1_a', 'cycle_l1_b', 'fid_a', 'fid_b', 'n', 'preservation_a2b', 'preservation_b2a']);
  assert.equal(r.n, 100);
  for (const k of ['preservation_a2b', 'preservation_b2a']) assert.ok(r[k] >= 0 && r[k] <= 1 && Number.isInteger(r[k] * 100), `${k} ${r[k]}`);
  for (const k of ['cycle_l1_a', 'cycle_l1_b']) assert.ok(r[k] > 0 && r[k] < 1, `${k} ${r[k]}`);
  for (const k of ['fid_a', 'fid_b']) assert.ok(r[k] > 0 && Number.isFinite(r[k]), `${k} ${r[k]}`);
  const c = JSON.parse(ok(genlab('eval', run, '--metric', 'cycle', '--n', '20', '--json', '--threads', '1')));
  assert.deepEqual(Object.keys(c).sort(), ['cycle_l1_a', 'cycle_l1_b', 'n']);

  badInput(genlab('eval', run, '--metric', 'cycle,bogus', '--json'), 'bogus', 'preservation');
  badInput(genlab('eval', run, '--metric', 'fid', '--features-b', 'pretrained:classifier-mnist'), '--features-b', '28x28x1', '28x28x3');
  badInput(genlab('eval', run, '--metric', 'cycle', '--features-a', clf), '--features-a');
});
