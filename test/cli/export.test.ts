/**
 * genlab export RUN --out DIR: the folder holds config.json (with the data shape), model/ and
 * export.json; opened with the core's loadRun over HTTP (as a page opens it) it samples exactly
 * what the run itself samples in Node. Bad input exits 2 with one line naming what is wrong, and
 * writes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadRun, Rng } from '../../src/node/index.js';
import { loadRun as loadRunByUrl } from '../../src/train/load_run_core.js';
import { serveStatic } from '../fixtures/static_server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const genlab = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

test('genlab export writes a folder the core opens by URL, sampling as the run does', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-export-'));
  try {
    const run = join(dir, 'run');
    const t = genlab('train', 'gan', '--data', 'toy:two-moons', '--steps', '30', '--seed', '1', '--threads', '1', '--quiet', '--out', run);
    assert.equal(t.status, 0, t.stderr);
    const out = join(dir, 'site', 'moons');
    const e = genlab('export', run, '--out', out);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(e.stdout.trim(), out);
    assert.deepEqual(readdirSync(out).sort(), ['config.json', 'export.json', 'model']);
    assert.deepEqual(readdirSync(join(out, 'model')).sort(), ['model.json', 'weights.bin']);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.deepEqual(config.dataShape, { kind: 'points', shape: [2], numClasses: 2 });
    const info = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8'));
    assert.equal(info.model, 'gan');
    assert.equal(info.ema, true, 'the toy GAN keeps an EMA, whose weights are exported');

    await initBackend({ backend: 'wasm', threads: 1 });
    const server = await serveStatic({ '/': join(dir, 'site') });
    const original = await loadRun(run);
    const served = await loadRunByUrl(`${server.url}moons/`);
    try {
      const a = original.model.sample(200, new Rng(5));
      const b = served.model.sample(200, new Rng(5));
      assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()), 'the exported weights are the run’s sampling weights');
      tf.dispose([a, b]);
    } finally {
      original.model.dispose();
      served.model.dispose();
      await server.close();
    }

    // An earlier export may be replaced.
    assert.equal(genlab('export', run, '--out', out).status, 0);

    // --float16: half the weight bytes; the same model within half precision.
    const half = join(dir, 'site', 'moons-f16');
    assert.equal(genlab('export', run, '--out', half, '--float16').status, 0);
    assert.equal(statSync(join(half, 'model', 'weights.bin')).size * 2, statSync(join(out, 'model', 'weights.bin')).size);
    assert.equal(JSON.parse(readFileSync(join(half, 'export.json'), 'utf8')).float16, true);
    const full = await loadRun(out);
    const halved = await loadRun(half);
    try {
      const [p, q] = [full.model.namedVariables(), halved.model.namedVariables()];
      assert.equal(p.length, q.length);
      p.forEach(([name, v], i) => {
        const [a, b] = [v.dataSync(), q[i][1].dataSync()];
        a.forEach((x, j) => assert.ok(Math.abs(b[j] - x) <= Math.abs(x) * 2 ** -11 + 2 ** -24, `${name}[${j}]: ${x} -> ${b[j]}`));
      });
    } finally {
      full.model.dispose();
      halved.model.dispose();
    }

    // Bad input: status 2, one line, nothing written.
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'keep');
    const cases: [string[], RegExp][] = [
      [[run], /--out DIR is required/],
      [[join(dir, 'absent'), '--out', join(dir, 'x')], /no such run directory/],
      [['pretrained:classifier-mnist', '--out', join(dir, 'y')], /'classifier' run cannot be opened in a page/],
      [[run, '--out', busy], /is not empty and holds no earlier export/],
      [[run, '--out', join(dir, 'z'), '--n', '3'], /--n/],
    ];
    for (const [args, message] of cases) {
      const r = genlab('export', ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^genlab: /);
      assert.match(lines[0], message);
    }
    assert.ok(!existsSync(join(dir, 'x')) && !existsSync(join(dir, 'y')) && !existsSync(join(dir, 'z')));
    assert.deepEqual(readdirSync(busy), ['notes.txt']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
