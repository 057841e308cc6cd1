/** SVG line plots: point placement, log scale, legend, and PNG output through sharp. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { linePlotSvg, writePlot, smooth } from '../../src/io/plot.js';

const polylines = (svg: string) => [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));

test('linear axes: px = left + (x - x0) / (x1 - x0) * plotWidth; y up, range padded by 5%', () => {
  const W = 640, H = 360, left = 64, right = 16, top = 12, bottom = 40;
  const svg = linePlotSvg([{ name: 'loss', x: [0, 50, 100], y: [2, 1, 0] }, { name: 'kl', x: [0, 100], y: [0, 2] }], { width: W, height: H });
  const [a, b] = polylines(svg);
  const y0 = 0 - 0.1, y1 = 2 + 0.1; // data range [0, 2] padded by 0.05 * 2 each side
  const px = (x: number) => left + (x / 100) * (W - left - right);
  const py = (y: number) => H - bottom - ((y - y0) / (y1 - y0)) * (H - top - bottom);
  assert.deepEqual(a, [[px(0), py(2)], [px(50), py(1)], [px(100), py(0)]].map((p) => p.map((v) => +v.toFixed(1))));
  assert.deepEqual(b, [[px(0), py(0)], [px(100), py(2)]].map((p) => p.map((v) => +v.toFixed(1))));
  assert.match(svg, />loss</);
  assert.match(svg, />kl</);
});

test('log scale spaces decades evenly and skips non-finite values; names are escaped', () => {
  const svg = linePlotSvg([{ name: 'a<b & c', x: [1, 2, 3, 4], y: [1, 10, NaN, 100] }], { logY: true });
  const [pts] = polylines(svg);
  assert.equal(pts.length, 3);
  assert.ok(Math.abs(pts[0][1] - pts[1][1] - (pts[1][1] - pts[2][1])) < 0.11, `${pts.map((p) => p[1])}`);
  assert.match(svg, /a&lt;b &amp; c/);
  assert.match(svg, />100</); // a tick labelled in data units
});

test('smooth: running mean over a window', () => {
  assert.deepEqual(smooth([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5]);
  assert.deepEqual(smooth([1, 2], 1), [1, 2]);
});

test('writePlot writes SVG text or a PNG of the requested size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-plot-'));
  const s = [{ name: 'loss', x: [0, 1, 2], y: [3, 2, 1] }];
  await writePlot(join(dir, 'c.svg'), s, { title: 'curves' });
  assert.match(readFileSync(join(dir, 'c.svg'), 'utf8'), /^<svg[^>]*width="640" height="360"/);
  await writePlot(join(dir, 'c.png'), s, { width: 300, height: 200 });
  const meta = await sharp(join(dir, 'c.png')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 300, 200]);
});
