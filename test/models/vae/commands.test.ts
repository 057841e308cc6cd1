/**
 * The figure commands end to end on a small saved run: output sizes follow the layouts, and
 * user errors (missing run, wrong latent size, wrong run kind) are one-line UserErrors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/util/rng.js';
import { VaeModel } from '../../../src/models/vae/model.js';
import { loadVaeRun } from '../../../src/models/vae/run.js';
import { vaeFamily, aeFamily } from '../../../src/models/vae/index.js';
import { readImage } from '../../../src/io/png.js';
import { UserError } from '../../../src/util/errors.js';
import { command as reconstruct } from '../../../src/cli/commands/reconstruct.js';
import { command as interpolate } from '../../../src/cli/commands/interpolate.js';
import { command as manifold } from '../../../src/cli/commands/manifold.js';
import { train } from '../../../src/train/loop.js';
import { DEFAULT_TRAINING } from '../../../src/train/config.js';
import type { DataShape, RunConfig } from '../../../src/train/types.js';
import { vaeReportSection } from '../../../src/models/vae/report.js';
import { loadSource } from '../../../src/data/index.js';
import { initBackend } from '../../../src/backend/index.js';

let dir = '';
const data: DataShape = { kind: 'images', shape: [28, 28, 1], numClasses: 10 };

/** A run trained for a few steps through the shared loop (config.json, model/, report.html). */
async function trainRun(name: string, latent: number, kind: 'vae' | 'ae' = 'vae'): Promise<string> {
  const family = kind === 'vae' ? vaeFamily : aeFamily;
  const d = family.defaults(data, 'mnist');
  const training = { ...DEFAULT_TRAINING, ...d.training, data: 'mnist', steps: 3, epochs: null, batch: 32, sampleEvery: 0, checkpointEvery: 0, logEvery: 1 };
  const config: RunConfig = { genlab: 'test', model: kind, training, modelConfig: { ...d.model, hidden: [16], latent } };
  const run = join(dir, name);
  await train(family, config, { out: run, resume: false, backend: 'test', quiet: true });
  return run;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genlab-vae-cmd-'));
  await initBackend({ backend: 'wasm' });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a trained run reloads with the weights it was trained to', async () => {
  const run = await trainRun('rt', 3);
  const a = await loadVaeRun(run, 'test');
  const b = await loadVaeRun(run, 'test');
  const fresh = new VaeModel(a.model.config, data, new Rng(123));
  const bv = new Map(b.model.namedVariables());
  const fv = new Map(fresh.namedVariables());
  for (const [name, v] of a.model.namedVariables()) {
    assert.deepEqual(v.dataSync(), bv.get(name)!.dataSync(), name);
    assert.notDeepEqual(v.dataSync(), fv.get(name)!.dataSync(), `${name} was loaded, not initialised`);
  }
  fresh.dispose();
  a.dispose();
  b.dispose();
  // The loop wrote the family's report section.
  const html = await readFile(join(run, 'report.html'), 'utf8');
  assert.match(html, /Variational autoencoder/);
  assert.match(html, /IWAE<sub>100<\/sub>/);
  assert.match(html, /figures\/reconstructions\.png/);
});

test('reconstruct, interpolate, manifold write grids of the documented size', async () => {
  const run2 = await trainRun('lat2', 2);
  // 28 px images at scale 2 with 2 px padding: side = cols * 56 + (cols + 1) * 2
  const side = (cols: number, px = 56, pad = 2): number => cols * px + (cols + 1) * pad;
  assert.equal(await reconstruct.run([run2, '--n', '6', '--cols', '3', '--out', join(dir, 'r.png')]), 0);
  let img = await readImage(join(dir, 'r.png'));
  assert.deepEqual([img.width, img.height], [side(3), side(4)]); // 2 input rows + 2 reconstruction rows
  assert.equal(await interpolate.run([run2, '--steps', '5', '--pairs', '2', '--mode', 'spherical', '--out', join(dir, 'i.png')]), 0);
  img = await readImage(join(dir, 'i.png'));
  assert.deepEqual([img.width, img.height], [side(7), side(2)]);
  assert.equal(await manifold.run([run2, '--size', '4', '--out', join(dir, 'm.png'), '--scatter', join(dir, 's.png'), '--n', '300']), 0);
  img = await readImage(join(dir, 'm.png'));
  assert.deepEqual([img.width, img.height], [side(4, 28, 1), side(4, 28, 1)]);
  img = await readImage(join(dir, 's.png'));
  assert.equal(img.width, 512);
});

test('figure commands reject bad runs and options with one-line UserErrors', async () => {
  const run5 = await trainRun('lat5', 5, 'ae');
  const ddpm = join(dir, 'ddpm');
  await mkdir(ddpm);
  await writeFile(join(ddpm, 'config.json'), JSON.stringify({ genlab: 'test', model: 'ddpm', training: DEFAULT_TRAINING, modelConfig: {} }));
  const oneLine = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n');
  await assert.rejects(manifold.run([run5, '--out', join(dir, 'x.png')]), oneLine(/2-D latent/));
  await assert.rejects(reconstruct.run([join(dir, 'nope'), '--out', join(dir, 'x.png')]), oneLine(/no such run/));
  await assert.rejects(reconstruct.run([ddpm, '--out', join(dir, 'x.png')]), oneLine(/ae or vae run/));
  await assert.rejects(reconstruct.run([run5, '--data', 'toy:two-moons', '--out', join(dir, 'x.png')]), oneLine(/needs images/));
  await assert.rejects(interpolate.run([run5, '--steps', '1', '--out', join(dir, 'x.png')]), oneLine(/--steps/));
  await assert.rejects(reconstruct.run([run5]), oneLine(/--out/));
});

test('report section: figures written and listed, ELBO-term curves named', async () => {
  const run2 = join(dir, 'lat2');
  const loaded = await loadVaeRun(run2, 'report');
  const testSet = await loadSource('mnist', { split: 'test', limit: 300 });
  const sec = await vaeReportSection(loaded.model, testSet, join(dir, 'report'));
  loaded.dispose();
  assert.deepEqual(sec.figures.map((f) => f.path.slice(join(dir, 'report').length + 1)), ['samples.png', 'reconstructions.png', 'interpolations.png', 'manifold.png', 'latent_scatter.png']);
  for (const f of sec.figures) assert.ok((await readImage(f.path)).width > 0);
  assert.deepEqual(sec.curves[0].keys, ['loss', 'rec', 'kl']);
});
