import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, loadSource, parseIdx } from '../../src/data/index.js';
import { UserError } from '../../src/util/errors.js';

/** 3 images of 2x4 bytes with distinct values, labels 2, 0, 1. */
const dims = [3, 2, 4];
const bytes = Uint8Array.from({ length: 24 }, (_, i) => i * 10 + 5);
const labels = Uint8Array.from([2, 0, 1]);

async function withTmp(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'genlab-idx-'));
  try {
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Asserts a one-line UserError whose message contains every fragment. */
async function rejectsUser(p: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `message is not one line: ${e.message}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `'${e.message}' lacks '${f}'`);
    return true;
  });
}

test('IDX header: magic 00 00 08 d, big-endian dims, round trip', () => {
  const enc = encodeIdx(dims, bytes);
  assert.deepEqual([...enc.subarray(0, 8)], [0, 0, 8, 3, 0, 0, 0, 3]);
  assert.equal(enc.length, 4 + 4 * 3 + 24);
  const back = parseIdx(enc, 'x');
  assert.deepEqual(back.dims, dims);
  assert.deepEqual([...back.data], [...bytes]);
});

test('idx: source reads raw and gzip files alike (detected by magic bytes), pixels = byte / 255', async () => {
  await withTmp(async (dir) => {
    const raw = join(dir, 'images.raw');
    const gz = join(dir, 'images.bin'); // gzip without a .gz name
    const lab = join(dir, 'labels.gz');
    await writeFile(raw, encodeIdx(dims, bytes));
    await writeFile(gz, gzipSync(encodeIdx(dims, bytes)));
    await writeFile(lab, gzipSync(encodeIdx([3], labels)));
    const a = await loadSource(`idx:${raw},${lab}`);
    const b = await loadSource(`idx:${gz}`);
    assert.equal(a.kind, 'images');
    assert.equal(b.kind, 'images');
    if (a.kind !== 'images' || b.kind !== 'images') return;
    assert.deepEqual([a.n, a.height, a.width, a.channels], [3, 2, 4, 1]);
    assert.deepEqual([...a.pixels], [...b.pixels]);
    assert.equal(a.pixels[7], Math.fround((7 * 10 + 5) / 255));
    assert.deepEqual([...a.labels!], [2, 0, 1]);
    assert.equal(b.labels, undefined);
    assert.equal(a.source, `idx:${raw},${lab}`);
    const t = await loadSource(`idx:${raw}:test`);
    assert.equal(t.split, 'test');
    const lim = await loadSource(`idx:${raw}`, { limit: 2 });
    assert.equal(lim.n, 2);
  });
});

test('idx: 4-D [n, h, w, 3] files load as RGB', async () => {
  await withTmp(async (dir) => {
    const f = join(dir, 'rgb.idx');
    await writeFile(f, encodeIdx([2, 1, 2, 3], Uint8Array.from({ length: 12 }, (_, i) => i)));
    const ds = await loadSource(`idx:${f}`);
    assert.ok(ds.kind === 'images' && ds.channels === 3 && ds.n === 2 && ds.width === 2 && ds.height === 1);
  });
});

test('idx: bad files are one-line UserErrors naming the file, and nothing is written', async () => {
  await withTmp(async (dir) => {
    const good = encodeIdx(dims, bytes);
    const gz = gzipSync(good);
    const cases: [string, Uint8Array, string][] = [
      ['truncated.gz', gz.subarray(0, gz.length - 20), 'gzip'],
      ['corrupt.gz', (() => { const c = Uint8Array.from(gz); c.fill(0x55, 12, 30); return c; })(), 'gzip'],
      ['magic.idx', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), 'not an IDX file'],
      ['short.idx', good.subarray(0, good.length - 5), 'truncated'],
      ['long.idx', Uint8Array.from([...good, 1, 2, 3]), 'trailing bytes'],
      ['float.idx', Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), 'float32'],
      ['tiny.idx', Uint8Array.from([0, 0]), 'not an IDX file'],
    ];
    for (const [name, data, fragment] of cases) {
      const f = join(dir, name);
      await writeFile(f, data);
      await rejectsUser(loadSource(`idx:${f}`), f, fragment);
    }
    const before = (await readdir(dir)).sort();
    // images and labels of different lengths
    const img = join(dir, 'img.idx');
    const lab = join(dir, 'lab.idx');
    await writeFile(img, good);
    await writeFile(lab, encodeIdx([4], Uint8Array.from([0, 1, 2, 3])));
    await rejectsUser(loadSource(`idx:${img},${lab}`), lab, '4 labels', '3 images');
    // labels that are not a vector; images that are not images
    await rejectsUser(loadSource(`idx:${img},${img}`), 'not a label vector');
    await rejectsUser(loadSource(`idx:${lab}`), lab, 'is not images');
    // missing files
    await rejectsUser(loadSource(`idx:${join(dir, 'nope.gz')}`), join(dir, 'nope.gz'), 'not found');
    await rejectsUser(loadSource(`idx:${img},${join(dir, 'nolabels')}`), 'nolabels', 'not found');
    await rejectsUser(loadSource(`idx:${dir}`), dir, 'directory');
    const after = (await readdir(dir)).sort();
    assert.deepEqual(after, [...before, 'img.idx', 'lab.idx'].sort());
  });
});
