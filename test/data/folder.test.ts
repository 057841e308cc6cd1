import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describeDataset, loadSource } from '../../src/data/index.js';
import { UserError } from '../../src/util/errors.js';

async function withTmp(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'genlab-folder-'));
  try {
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rejectsUser(p: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'));
    for (const f of fragments) assert.ok(e.message.includes(f), `'${e.message}' lacks '${f}'`);
    return true;
  });
}

/** A w x h image whose bytes are (seed + 7 * i) mod 256, written losslessly as PNG. */
async function png(path: string, w: number, h: number, channels: 1 | 3, seed: number): Promise<Uint8Array> {
  const data = Uint8Array.from({ length: w * h * channels }, (_, i) => (seed + 7 * i) % 256);
  await mkdir(join(path, '..'), { recursive: true });
  let img = sharp(data, { raw: { width: w, height: h, channels } });
  if (channels === 1) img = img.toColourspace('b-w'); // a greyscale PNG, not sRGB
  await img.png().toFile(path);
  return data;
}

test('folder: class subfolders give labels; PNG bytes come back exactly as byte / 255', async () => {
  await withTmp(async (dir) => {
    const cat0 = await png(join(dir, 'cat', 'a.png'), 4, 3, 1, 1);
    await png(join(dir, 'cat', 'b.png'), 4, 3, 1, 2);
    const dog0 = await png(join(dir, 'dog', 'a.png'), 4, 3, 1, 3);
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'cat', 'notes.txt'), 'ignored');
    const ds = await loadSource(`folder:${dir}`);
    assert.equal(ds.kind, 'images');
    if (ds.kind !== 'images') return;
    assert.deepEqual([ds.n, ds.height, ds.width, ds.channels], [3, 3, 4, 1]);
    assert.deepEqual(ds.classNames, ['cat', 'dog']);
    // interleaved by relative position: cat/a (0.25), dog/a (0.5), cat/b (0.75)
    assert.deepEqual([...ds.labels!], [0, 1, 0]);
    assert.deepEqual(Array.from(ds.pixels.subarray(0, 12), (v) => Math.round(v * 255)), [...cat0]);
    assert.deepEqual(Array.from(ds.pixels.subarray(12, 24), (v) => Math.round(v * 255)), [...dog0]);
    const info = describeDataset(ds);
    assert.deepEqual(info.classes, [
      { index: 0, name: 'cat', count: 2 },
      { index: 1, name: 'dog', count: 1 },
    ]);
    const lim = await loadSource(`folder:${dir}`, { limit: 2 });
    assert.equal(lim.n, 2);
  });
});

test('folder: RGB detection, forced channels and resizing', async () => {
  await withTmp(async (dir) => {
    const rgb = await png(join(dir, 'x.png'), 5, 5, 3, 9);
    await png(join(dir, 'y.png'), 5, 5, 3, 4);
    const ds = await loadSource(`folder:${dir}`);
    assert.ok(ds.kind === 'images' && ds.channels === 3 && ds.labels === undefined);
    if (ds.kind !== 'images') return;
    assert.deepEqual(Array.from(ds.pixels.subarray(0, 75), (v) => Math.round(v * 255)), [...rgb]);
    const grey = await loadSource(`folder:${dir}`, { channels: 1, size: 8 });
    assert.ok(grey.kind === 'images' && grey.channels === 1 && grey.height === 8 && grey.width === 8);
    if (grey.kind !== 'images') return;
    // a uniform image stays uniform through resizing and greyscale conversion
    const flat = join(dir, 'flat');
    await mkdir(flat);
    await sharp({ create: { width: 6, height: 3, channels: 3, background: { r: 200, g: 200, b: 200 } } }).png().toFile(join(flat, 'f.png'));
    const f = await loadSource(`folder:${flat}`, { size: 4, channels: 1 });
    assert.ok(f.kind === 'images' && f.n === 1 && f.width === 4);
    if (f.kind === 'images') for (const v of f.pixels) assert.equal(Math.round(v * 255), 200);
  });
});

test('folder: train/ and test/ subfolders are splits', async () => {
  await withTmp(async (dir) => {
    await png(join(dir, 'train', 'a', '1.png'), 2, 2, 1, 1);
    await png(join(dir, 'train', 'b', '1.png'), 2, 2, 1, 2);
    await png(join(dir, 'test', 'a', '1.png'), 2, 2, 1, 3);
    const tr = await loadSource(`folder:${dir}`);
    const te = await loadSource(`folder:${dir}:test`);
    assert.equal(tr.n, 2);
    assert.equal(te.n, 1);
    assert.equal(te.split, 'test');
  });
});

test('folder: bad folders are one-line UserErrors and nothing is written', async () => {
  await withTmp(async (dir) => {
    await rejectsUser(loadSource(`folder:${join(dir, 'missing')}`), 'missing', 'not found');
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await writeFile(join(empty, 'readme.txt'), 'no images here');
    await rejectsUser(loadSource(`folder:${empty}`), empty, 'no images');
    const mixed = join(dir, 'mixed');
    await png(join(mixed, 'a.png'), 4, 4, 1, 0);
    await png(join(mixed, 'b.png'), 5, 4, 1, 0);
    await rejectsUser(loadSource(`folder:${mixed}`), join(mixed, 'b.png'), '5x4', '4x4');
    const ok = await loadSource(`folder:${mixed}`, { size: 4 });
    assert.equal(ok.n, 2);
    const both = join(dir, 'both');
    await png(join(both, 'a.png'), 2, 2, 1, 0);
    await png(join(both, 'cls', 'b.png'), 2, 2, 1, 0);
    await rejectsUser(loadSource(`folder:${both}`), 'both at the top level and in class subfolders');
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'broken.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    await rejectsUser(loadSource(`folder:${bad}`), join(bad, 'broken.png'));
    await rejectsUser(loadSource(`folder:${both}:test`), 'no test split');
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    await rejectsUser(loadSource(`folder:${file}`), 'not a directory');
    assert.deepEqual((await readdir(dir)).sort(), ['bad', 'both', 'empty', 'file', 'mixed']);
  });
});
