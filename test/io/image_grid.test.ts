import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { imageGrid, readImage, writeImageGrid, writeGridAnimation } from '../../src/io/image_grid.js';
import { readAnimation, writeAnimation, type RasterImage } from '../../src/io/png.js';
import { autoBounds, niceTicks, palette, renderScatter, writeScatter } from '../../src/io/scatter.js';
import { UserError } from '../../src/util/errors.js';

await tf.setBackend('cpu');

async function withTmp(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'genlab-grid-'));
  try {
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** n images h x w x c with value (k * 1000 + y * 100 + x * 10 + ch) / 10000 (distinct everywhere). */
function pattern(n: number, h: number, w: number, c: number): Float32Array {
  const a = new Float32Array(n * h * w * c);
  for (let k = 0; k < n; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    a[((k * h + y) * w + x) * c + ch] = (k * 1000 + y * 100 + x * 10 + ch) / 10000;
  }
  return a;
}

const byte = (v: number, lo = 0, hi = 1) => Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));

test('imageGrid layout: size = cols * w * s + (cols + 1) * pad; pixel (k, y, x) lands at its cell', () => {
  const [n, h, w, c] = [5, 3, 4, 3] as const;
  const px = pattern(n, h, w, c);
  const g = imageGrid(px, n, h, w, c, { cols: 3, pad: 2, scale: 2 });
  // 3 columns, ceil(5 / 3) = 2 rows
  assert.equal(g.width, 3 * 4 * 2 + 4 * 2);
  assert.equal(g.height, 2 * 3 * 2 + 3 * 2);
  assert.equal(g.channels, 3);
  for (let k = 0; k < n; k++) for (let y = 0; y < h * 2; y++) for (let x = 0; x < w * 2; x++) for (let ch = 0; ch < c; ch++) {
    const gx = 2 + (k % 3) * (8 + 2) + x;
    const gy = 2 + Math.floor(k / 3) * (6 + 2) + y;
    const src = px[((k * h + Math.floor(y / 2)) * w + Math.floor(x / 2)) * c + ch];
    assert.equal(g.data[(gy * g.width + gx) * c + ch], byte(src));
  }
  // padding and the empty sixth cell have the pad value: middle of the range by default
  assert.equal(g.data[0], 128);
  assert.equal(g.data[((g.height - 3) * g.width + g.width - 3) * 3], 128);
  const d = imageGrid(px, 4, h, w, c);
  assert.equal(d.width, 2 * 4 + 3 * 2); // default cols ceil(sqrt(4)) = 2, pad 2, scale 1
});

test('imageGrid range: byte = round(255 clip((v - lo) / (hi - lo), 0, 1)), padValue in data units', () => {
  const px = Float32Array.from([-1, -0.5, 0, 0.5, 1, 2, -3, Number.NaN]);
  const g = imageGrid(px, 1, 2, 4, 1, { range: [-1, 1], pad: 1, padValue: 1 });
  const inner: number[] = [];
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) inner.push(g.data[(1 + y) * g.width + 1 + x]);
  assert.deepEqual(inner, [0, 64, 128, 191, 255, 255, 0, 0]);
  assert.equal(g.data[0], 255);
  assert.throws(() => imageGrid(px, 1, 2, 4, 1, { range: [1, 1] }), UserError);
  assert.throws(() => imageGrid(px, 1, 2, 4, 1, { scale: 1.5 }), UserError);
});

test('writeImageGrid: PNG round trip is exact (grey and RGB), tensors accepted, parent created', async () => {
  await withTmp(async (dir) => {
    for (const c of [1, 3] as const) {
      const px = pattern(6, 5, 7, c);
      const path = join(dir, 'sub', 'deeper', `g${c}.png`);
      await writeImageGrid(path, px, { shape: [6, 5, 7, c], cols: 4, scale: 3 });
      const back = await readImage(path);
      const want = imageGrid(px, 6, 5, 7, c, { cols: 4, scale: 3 });
      assert.equal(back.channels, c);
      assert.deepEqual([back.width, back.height], [want.width, want.height]);
      assert.deepEqual(Buffer.from(back.data), Buffer.from(want.data));
      const t = tf.tensor4d(px, [6, 5, 7, c]);
      const tpath = join(dir, `t${c}.png`);
      await writeImageGrid(tpath, t, { cols: 4, scale: 3 });
      assert.ok(!t.isDisposed, 'the caller owns the tensor');
      t.dispose();
      assert.deepEqual(Buffer.from((await readImage(tpath)).data), Buffer.from(want.data));
    }
    // rows: with cols, at most rows * cols images; alone, cols = ceil(n / rows)
    const px = pattern(10, 2, 2, 1);
    await writeImageGrid(join(dir, 'r.png'), { pixels: px, n: 10, height: 2, width: 2, channels: 1 }, { rows: 2, cols: 3, pad: 0 });
    const r = await readImage(join(dir, 'r.png'));
    assert.deepEqual([r.width, r.height], [6, 4]);
    await writeImageGrid(join(dir, 'r2.png'), px, { shape: [10, 2, 2, 1], rows: 2, pad: 0 });
    assert.equal((await readImage(join(dir, 'r2.png'))).width, 10);
  });
});

test('writes are atomic: a failed write leaves the old file and no temporary file', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'keep.png');
    await writeFile(path, 'old contents');
    // a tensor of the wrong rank fails before anything is written
    const wrong = tf.zeros([2, 2]);
    await assert.rejects(writeImageGrid(path, wrong), /expected \[n, h, w, c\]/);
    wrong.dispose();
    // a parent that is a file cannot be created
    await assert.rejects(writeImageGrid(join(path, 'x.png'), pattern(1, 2, 2, 1), { shape: [1, 2, 2, 1] }), UserError);
    await assert.rejects(writeImageGrid(join(dir, 'x.bmp'), pattern(1, 2, 2, 1), { shape: [1, 2, 2, 1] }), /extension/);
    assert.equal(await readFile(path, 'utf8'), 'old contents');
    assert.deepEqual(await readdir(dir), ['keep.png']);
    await writeImageGrid(path, pattern(1, 2, 2, 1), { shape: [1, 2, 2, 1] });
    assert.deepEqual(await readdir(dir), ['keep.png']);
    assert.equal((await readImage(path)).width, 6);
  });
});

test('writeAnimation: WebP frames come back exactly, GIF keeps frame count, size and delays', async () => {
  await withTmp(async (dir) => {
    const frames: RasterImage[] = [];
    for (let f = 0; f < 4; f++) {
      frames.push(imageGrid(pattern(4, 6, 6, 3).map((v) => (v + f * 0.1) % 1), 4, 6, 6, 3, { scale: 2 }));
    }
    await writeAnimation(join(dir, 'a.webp'), frames, { delayMs: [50, 60, 70, 80] });
    const w = await readAnimation(join(dir, 'a.webp'));
    assert.equal(w.frames.length, 4);
    assert.deepEqual(w.delay, [50, 60, 70, 80]);
    assert.equal(w.loop, 0);
    w.frames.forEach((fr, i) => {
      assert.deepEqual([fr.width, fr.height], [frames[i].width, frames[i].height]);
      // lossless: RGB equal (alpha, if present, is opaque)
      const c = fr.channels;
      for (let p = 0; p < fr.width * fr.height; p++) {
        for (let k = 0; k < 3; k++) assert.equal(fr.data[p * c + k], frames[i].data[p * 3 + k]);
      }
    });
    // greyscale grids, one delay for all
    const grey = [0, 1, 2].map((f) => ({ pixels: new Float32Array(2 * 4 * 4).fill(f / 2), n: 2, height: 4, width: 4, channels: 1 as const }));
    await writeGridAnimation(join(dir, 'g.gif'), grey, { delayMs: 120, pad: 1 });
    const g = await readAnimation(join(dir, 'g.gif'));
    assert.equal(g.frames.length, 3);
    assert.deepEqual(g.delay, [120, 120, 120]);
    assert.deepEqual([g.frames[0].width, g.frames[0].height], [11, 6]);
    // a flat grey frame survives palette quantisation: image pixels of frame 2 are white
    const f2 = g.frames[2];
    assert.equal(f2.data[(1 * f2.width + 1) * f2.channels], 255);
    assert.equal(g.frames[0].data[(1 * f2.width + 1) * f2.channels], 0);
    await assert.rejects(writeAnimation(join(dir, 'a.png'), frames), UserError);
    assert.deepEqual((await readdir(dir)).sort(), ['a.webp', 'g.gif']);
  });
});

test('scatter: points land at px = left + (x - x0)/(x1 - x0) W, y up; axes box; label colours', () => {
  const pts = Float32Array.from([0, 0, 1, 1, -1, -1, 5, 5]);
  const img = renderScatter(pts, { width: 256, height: 256, bounds: [-2, 2, -2, 2], radius: 1, alpha: 1, labels: Int32Array.from([0, 1, 2, 3]) });
  // margins left 44, right 12, top 12, bottom 26: plot area 200 x 218
  const at = (x: number, y: number) => Array.from(img.data.subarray((y * 256 + x) * 3, (y * 256 + x) * 3 + 3));
  const pix = (x: number, y: number): [number, number] => [Math.floor(44 + ((x + 2) / 4) * 200), Math.floor(12 + ((2 - y) / 4) * 218)];
  assert.deepEqual(at(...pix(0, 0)), palette[0]);
  assert.deepEqual(at(...pix(1, 1)), palette[1]);
  assert.deepEqual(at(...pix(-1, -1)), palette[2]);
  // (5, 5) is outside the bounds: palette[3] appears nowhere
  for (let p = 0; p < 256 * 256; p++) {
    const rgb = Array.from(img.data.subarray(3 * p, 3 * p + 3));
    assert.notDeepEqual(rgb, palette[3]);
  }
  // the box: left edge column 43 is black from top to bottom of the plot
  for (let y = 11; y <= 12 + 218; y++) assert.deepEqual(at(43, y), [0, 0, 0]);
  assert.deepEqual(at(150, 5), [255, 255, 255]); // above the box: background
});

test('scatter helpers: nice ticks, bounds containing every point with equal scales', () => {
  assert.deepEqual(niceTicks(-2.2, 2.2).ticks, [-2, -1, 0, 1, 2]);
  assert.deepEqual(niceTicks(0, 0.1).ticks.map((t) => +t.toFixed(6)), [0, 0.02, 0.04, 0.06, 0.08, 0.1]);
  const pts = Float32Array.from([-1, 0, 3, 1, 0, 0.5]);
  const [x0, x1, y0, y1] = autoBounds(pts, 100, 50);
  assert.ok(x0 < -1 && x1 > 3 && y0 < 0 && y1 > 1);
  assert.ok(Math.abs((x1 - x0) / 100 - (y1 - y0) / 50) < 1e-9, 'equal units per pixel');
});

test('writeScatter writes an RGB PNG of the requested size', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'plots', 's.png');
    const b = await writeScatter(path, Float32Array.from([0, 0, 1, 2]), { width: 300, height: 200, markers: Float32Array.from([0, 0]) });
    const img = await readImage(path);
    assert.deepEqual([img.width, img.height, img.channels], [300, 200, 3]);
    assert.equal(b.length, 4);
  });
});
