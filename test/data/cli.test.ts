import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../src/cli/commands/data.js';
import { describeDataset, loadSource } from '../../src/data/index.js';
import { readImage } from '../../src/io/image_grid.js';
import { UserError } from '../../src/util/errors.js';

/** Runs `genlab data ...` in-process and returns its exit status and printed lines. */
async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    const code = await command.run(argv);
    return { code, out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

test('data info --json equals describeDataset; text lists per-class counts', async () => {
  const j = await run('info', 'mnist:test', '--json');
  assert.equal(j.code, 0);
  assert.deepEqual(JSON.parse(j.out), JSON.parse(JSON.stringify(describeDataset(await loadSource('mnist:test')))));
  const t = await run('info', 'mnist', '--split', 'test');
  assert.match(t.out, /samples\s+2000/);
  assert.match(t.out, /shape\s+28 x 28 x 1/);
  assert.match(t.out, /\n\s+1\s+1\s+225\n/);
  const toy = await run('info', 'toy:eight-gaussians', '--n', '800', '--seed', '2');
  assert.match(toy.out, /samples\s+800/);
  assert.match(toy.out, /modes\s+8 Gaussian modes, std 0.02/);
});

test('data grid writes the PNG it names: image grid and toy scatter', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'genlab-cli-data-'));
  try {
    const out = join(dir, 'm.png');
    const r = await run('grid', 'mnist', '--n', '10', '--cols', '5', '--seed', '1', '--out', out);
    assert.equal(r.code, 0);
    assert.ok(r.out.includes(out));
    const img = await readImage(out);
    // 5 x 2 cells of 28 * 2 (default scale 2 for small images) + 2 px padding
    assert.deepEqual([img.width, img.height, img.channels], [5 * 56 + 6 * 2, 2 * 56 + 3 * 2, 1]);
    const s = await run('grid', 'toy:two-moons', '--out', join(dir, 'toy', 's.png'));
    assert.ok(s.out.includes(join(dir, 'toy', 's.png')));
    assert.equal((await readImage(join(dir, 'toy', 's.png'))).channels, 3);
    await assert.rejects(run('grid', 'toy:two-moons', '--out', join(dir, 'x.jpg')), UserError);
    await assert.rejects(run('grid', 'nope', '--out', join(dir, 'y.png')), /unknown data source 'nope'/);
    await assert.rejects(run(), /missing sub-command/);
    await assert.rejects(run('info'), /missing <source>/);
    await assert.rejects(run('info', 'mnist', '--split', 'val'), /--split must be one of train\|test/);
    await assert.rejects(run('frob', 'mnist'), /unknown sub-command 'frob'/);
    assert.deepEqual((await readdir(dir)).sort(), ['m.png', 'toy']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
