/**
 * The hvae family end to end on a small saved run: the report page (per-layer KL curves, quick
 * bound, active units), reconstruct and interpolate at either layer (grid sizes), eval's
 * per-layer output, and one-line UserErrors for bad input.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/backend/index.js';
import { hvaeFamily } from '../../../src/models/hvae/index.js';
import { readImage } from '../../../src/io/png.js';
import { UserError } from '../../../src/util/errors.js';
import { command as reconstruct } from '../../../src/cli/commands/reconstruct.js';
import { command as interpolate } from '../../../src/cli/commands/interpolate.js';
import { command as evalCommand } from '../../../src/cli/commands/eval.js';
import { train } from '../../../src/train/loop.js';
import { DEFAULT_TRAINING } from '../../../src/train/config.js';
import type { DataShape, RunConfig } from '../../../src/train/types.js';

let dir = '';
let run = '';
const data: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genlab-hvae-cmd-'));
  await initBackend({ backend: 'wasm' });
  const d = hvaeFamily.defaults(data, 'mnist');
  const training = { ...DEFAULT_TRAINING, ...d.training, data: 'mnist', steps: 4, epochs: null, batch: 32, sampleEvery: 0, checkpointEvery: 0, logEvery: 1 };
  const config: RunConfig = { genlab: 'test', model: 'hvae', training, modelConfig: { ...d.model, latents: [6, 3], hidden: [16, 8] } };
  run = join(dir, 'run');
  await train(hvaeFamily, config, { out: run, resume: false, backend: 'test', quiet: true });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the report has the per-layer KL curves, a quick bound with its terms, active units and the figures', async () => {
  const html = await readFile(join(run, 'report.html'), 'utf8');
  assert.match(html, /Hierarchical VAE \(2 stochastic layers, ladder inference\)/);
  assert.match(html, /KL per layer/);
  assert.match(html, /IWAE<sub>100<\/sub>/);
  assert.match(html, /KL<sub>1<\/sub> [0-9.]+, KL<sub>2<\/sub> [0-9.]+/);
  assert.match(html, /Active units per layer \(bottom first, of 6, 3\): \d, \d/);
  assert.match(html, /figures\/interpolations_layer1\.png/);
  assert.match(html, /figures\/interpolations_layer2\.png/);
});

test('reconstruct and interpolate (at layer 1 and at the top) write grids of the documented size', async () => {
  const side = (cols: number, px = 56, pad = 2): number => cols * px + (cols + 1) * pad;
  assert.equal(await reconstruct.run([run, '--n', '6', '--cols', '3', '--out', join(dir, 'r.png')]), 0);
  let img = await readImage(join(dir, 'r.png'));
  assert.deepEqual([img.width, img.height], [side(3), side(4)]);
  for (const layer of ['1', '2']) {
    assert.equal(await interpolate.run([run, '--steps', '5', '--pairs', '2', '--layer', layer, '--out', join(dir, `i${layer}.png`)]), 0);
    img = await readImage(join(dir, `i${layer}.png`));
    assert.deepEqual([img.width, img.height], [side(7), side(2)]);
  }
});

test('eval --metric elbo,iwae prints the bounds, each layer\'s KL and active units', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    assert.equal(await evalCommand.run([run, '--metric', 'elbo,iwae', '--k', '5', '--n', '20', '--json']), 0);
  } finally {
    console.log = log;
  }
  const r = JSON.parse(lines[lines.length - 1]);
  for (const key of ['elbo', 'iwae', 'rec', 'kl_1', 'kl_2', 'active_1', 'active_2']) assert.equal(typeof r[key], 'number', key);
  assert.equal(r.k, 5);
  assert.equal(r.n, 20);
  assert.ok(r.elbo < 0 && r.iwae >= r.elbo - 1, `${r.elbo}, ${r.iwae}`);
});

test('bad input: one-line UserErrors naming what is wrong', async () => {
  await assert.rejects(interpolate.run([run, '--layer', '3', '--out', join(dir, 'x.png')]), (e: Error) => e instanceof UserError && /--layer must be between 1 \(bottom\) and 2 \(top\)/.test(e.message));
  await assert.rejects(interpolate.run([run, '--layer', '0', '--out', join(dir, 'x.png')]), (e: Error) => e instanceof UserError && /--layer/.test(e.message));
  await assert.rejects(evalCommand.run([run, '--metric', 'nll']), (e: Error) => e instanceof UserError && /need a ddpm run; .* is a 'hvae' run/.test(e.message));
  const d = hvaeFamily.defaults(data, 'mnist').model;
  assert.throws(() => hvaeFamily.validate({ ...d, hidden: [200] }, 'x.json'), (e: Error) => e instanceof UserError && e.message === 'x.json: modelConfig.hidden must have one width per stochastic layer (2, as latents), got [200]');
  assert.throws(() => hvaeFamily.validate({ ...d, inference: 'flow' as 'ladder' }), (e: Error) => e instanceof UserError && /^config: modelConfig\.inference must be ladder\|residual, got "flow"$/.test(e.message));
  assert.throws(() => hvaeFamily.create({ ...d, arch: 'conv' }, { kind: 'points', shape: [2], numClasses: null }, undefined as never), (e: Error) => e instanceof UserError && /--arch conv needs image data/.test(e.message));
});
