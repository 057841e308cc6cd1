/** The GAN-playground field plot: heat-map direction and orientation, point/arrow placement, title, file output, input checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderFieldPlot, writeFieldPlot, fieldColour, type FieldPlotOptions } from '../../src/io/field_plot.js';
import { MARGIN, toPixel, type Bounds } from '../../src/io/scatter.js';
import { readImage, type RasterImage } from '../../src/io/png.js';

const W = 256;
const H = 200;
const bounds: Bounds = [-2, 2, -2, 2];
const area = { left: MARGIN.left, top: MARGIN.top, width: W - MARGIN.left - MARGIN.right, height: H - MARGIN.top - MARGIN.bottom };

/** [r, g, b] at pixel (x, y). */
function rgb(img: RasterImage, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * img.channels;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

/** The pixel holding data point (x, y): floor of toPixel, as drawDisc uses. */
function at(x: number, y: number): [number, number] {
  const { px, py } = toPixel(bounds, area);
  return [Math.floor(px(x)), Math.floor(py(y))];
}

/** A gridSize x gridSize field with values[row * n + col] = f(col, row). */
function grid(n: number, f: (col: number, row: number) => number): Float32Array {
  const v = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) v[r * n + c] = f(c, r);
  return v;
}

test('a field increasing with x is orange on the left, white in the middle, blue on the right', () => {
  const img = renderFieldPlot({ width: W, height: H, bounds, field: { values: grid(8, (c) => c), gridSize: 8 } });
  const midY = area.top + Math.floor(area.height / 2);
  const [lr, lg, lb] = rgb(img, area.left + 2, midY);
  const [rr, rg, rb] = rgb(img, area.left + area.width - 3, midY);
  const [mr, mg, mb] = rgb(img, area.left + Math.floor(area.width / 2), midY);
  assert.ok(lr > lb + 100, `left is orange: ${[lr, lg, lb]}`);
  assert.ok(rb > rr + 80, `right is blue: ${[rr, rg, rb]}`);
  assert.ok(Math.min(mr, mg, mb) > 235, `middle is near white: ${[mr, mg, mb]}`);
  assert.deepEqual([lr, lg, lb], fieldColour(0)); // clamped to the outermost cell centre: the minimum
  assert.deepEqual([rr, rg, rb], fieldColour(1));
  // smooth: red minus blue (orange > 0 > blue) falls monotonically along the row (bilinear, not blocky steps of 8 cells)
  const warmth = Array.from({ length: area.width }, (_, k) => {
    const [r, , b] = rgb(img, area.left + k, midY);
    return r - b;
  });
  for (let k = 1; k < warmth.length; k++) assert.ok(warmth[k] <= warmth[k - 1], `red - blue at column ${k}: ${warmth[k - 1]} -> ${warmth[k]}`);
  assert.ok(new Set(warmth).size > 40, `many distinct shades: ${new Set(warmth).size}`);
});

test('field row 0 is the bottom (ymin): a field increasing with row is orange at the bottom, blue at the top', () => {
  const img = renderFieldPlot({ width: W, height: H, bounds, field: { values: grid(4, (_, r) => r), gridSize: 4 } });
  const midX = area.left + Math.floor(area.width / 2);
  const top = rgb(img, midX, area.top + 1);
  const bottom = rgb(img, midX, area.top + area.height - 2);
  assert.ok(top[2] > top[0] + 80, `top is blue: ${top}`);
  assert.ok(bottom[0] > bottom[2] + 100, `bottom is orange: ${bottom}`);
});

test('field range: values inside a wider range are paler; a constant field is white; NaN is grey, not black', () => {
  const narrow = renderFieldPlot({ width: W, height: H, bounds, field: { values: grid(4, (c) => c), gridSize: 4 } });
  const wide = renderFieldPlot({ width: W, height: H, bounds, field: { values: grid(4, (c) => c), gridSize: 4, range: [-10, 13] } });
  const y = area.top + 10;
  assert.ok(rgb(wide, area.left + 1, y)[2] > rgb(narrow, area.left + 1, y)[2] + 50, 'the minimum is no longer full orange');
  const flat = renderFieldPlot({ width: W, height: H, bounds, field: { values: new Float32Array(9).fill(3), gridSize: 3 } });
  assert.deepEqual(rgb(flat, area.left + 20, y), [255, 255, 255]);
  const nan = renderFieldPlot({ width: W, height: H, bounds, field: { values: new Float32Array(4).fill(NaN), gridSize: 2 } });
  assert.deepEqual(rgb(nan, area.left + 20, y), [200, 200, 200]);
});

test('real points are green and fake points purple at their pixels; y is up', () => {
  const img = renderFieldPlot({ width: W, height: H, bounds, real: new Float32Array([1, 1]), fake: new Float32Array([-1, -0.5]) });
  const [r, g, b] = rgb(img, ...at(1, 1));
  assert.ok(g > r + 40 && g > b + 40, `real is green: ${[r, g, b]}`);
  const [fr, fg, fb] = rgb(img, ...at(-1, -0.5));
  assert.ok(fr > fg + 40 && fb > fg + 40, `fake is purple: ${[fr, fg, fb]}`);
  // the y-mirrored positions are untouched background
  assert.deepEqual(rgb(img, ...at(1, -1)), [255, 255, 255]);
  assert.deepEqual(rgb(img, ...at(-1, 0.5)), [255, 255, 255]);
  // points stay visible on top of a field
  const withField = renderFieldPlot({ width: W, height: H, bounds, field: { values: grid(4, (c) => c), gridSize: 4 }, real: new Float32Array([1, 1]) });
  const [wr, wg, wb] = rgb(withField, ...at(1, 1));
  assert.ok(wg > wr + 30, `real stays green over the field: ${[wr, wg, wb]}`);
});

test('arrows: dark pixels between start and end, with a head at the tip, nothing beside them', () => {
  const img = renderFieldPlot({ width: W, height: H, bounds, arrows: { from: new Float32Array([-1.5, 1.5, -1, -1]), vec: new Float32Array([2, 0, 1.5, 1]) } });
  const dark = (p: number[]) => Math.max(...p) < 100;
  // horizontal arrow from (-1.5, 1.5) to (0.5, 1.5)
  assert.ok(dark(rgb(img, ...at(-0.5, 1.5))), `midpoint: ${rgb(img, ...at(-0.5, 1.5))}`);
  assert.ok(dark(rgb(img, ...at(-1.2, 1.5))));
  const [mx, my] = at(-0.5, 1.5);
  assert.deepEqual(rgb(img, mx, my - 4), [255, 255, 255]);
  assert.deepEqual(rgb(img, mx, my + 4), [255, 255, 255]);
  // head: strokes back from the tip go above and below the shaft
  const [tx, ty] = at(0.5, 1.5);
  let above = false;
  let below = false;
  for (let dx = -6; dx <= 0; dx++) {
    for (let dy = 1; dy <= 4; dy++) {
      if (dark(rgb(img, tx + dx, ty - dy))) above = true;
      if (dark(rgb(img, tx + dx, ty + dy))) below = true;
    }
  }
  assert.ok(above && below, 'arrow head');
  assert.deepEqual(rgb(img, tx + 4, ty), [255, 255, 255], 'nothing past the tip');
  // diagonal arrow from (-1, -1) to (0.5, 0): some pixel of the 3x3 around its midpoint is dark
  const [dx0, dy0] = at(-0.25, -0.5);
  let found = false;
  for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) if (dark(rgb(img, dx0 + a, dy0 + b))) found = true;
  assert.ok(found, 'diagonal arrow midpoint');
});

test('markers, title and size: W x H x 3 RGB; the title darkens the top-left of the plot area', () => {
  const opts: FieldPlotOptions = { width: W, height: H, bounds, markers: new Float32Array([0, 0]) };
  const plain = renderFieldPlot(opts);
  assert.equal(plain.width, W);
  assert.equal(plain.height, H);
  assert.equal(plain.channels, 3);
  assert.equal(plain.data.length, W * H * 3);
  const [cx, cy] = at(0, 0);
  assert.ok(Math.max(...rgb(plain, Math.round(toPixel(bounds, area).px(0)), Math.round(toPixel(bounds, area).py(0)))) < 50, `marker centre ${[cx, cy]}`);
  const titled = renderFieldPlot({ ...opts, title: 'Step 1200: d(x)=0.5' });
  let darkPixels = 0;
  for (let y = area.top; y < area.top + 16; y++) for (let x = area.left; x < area.left + 160; x++) if (Math.max(...rgb(titled, x, y)) < 60 && Math.max(...rgb(plain, x, y)) > 200) darkPixels++;
  assert.ok(darkPixels > 80, `title pixels: ${darkPixels}`);
  // default size
  const def = renderFieldPlot({ bounds });
  assert.equal(def.data.length, 512 * 512 * 3);
});

test('writeFieldPlot writes a PNG that reads back at the same size and pixels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-field-'));
  try {
    const opts: FieldPlotOptions = { width: W, height: H, bounds, field: { values: grid(8, (c, r) => c + r), gridSize: 8 }, real: new Float32Array([1, 1]), title: 'step 3' };
    const path = join(dir, 'sub', 'frame.png');
    await writeFieldPlot(path, opts);
    const back = await readImage(path);
    assert.equal(back.width, W);
    assert.equal(back.height, H);
    assert.equal(back.channels, 3);
    assert.deepEqual(Array.from(back.data), Array.from(renderFieldPlot(opts).data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input throws an Error naming the offending option', () => {
  assert.throws(() => renderFieldPlot({ bounds, field: { values: new Float32Array(10), gridSize: 3 } }), (e: unknown) => e instanceof Error && /field\.values/.test(e.message));
  assert.throws(() => renderFieldPlot({ bounds, field: { values: new Float32Array(0), gridSize: 0 } }), /field\.gridSize/);
  assert.throws(() => renderFieldPlot({ bounds, field: { values: new Float32Array(4), gridSize: 2, range: [1, 0] } }), /field\.range/);
  assert.throws(() => renderFieldPlot({ bounds, arrows: { from: new Float32Array(4), vec: new Float32Array(2) } }), /arrows\.vec/);
  assert.throws(() => renderFieldPlot({ bounds, real: new Float32Array(3) }), /real/);
  assert.throws(() => renderFieldPlot({ bounds: [1, 1, 0, 1] }), /bounds/);
  assert.throws(() => renderFieldPlot({ bounds: [0, NaN, 0, 1] }), /bounds/);
  assert.throws(() => renderFieldPlot({ bounds, width: 20, height: 20 }), /too small/);
});
