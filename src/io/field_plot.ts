/**
 * A 2-D "field plot" (the GAN Lab playground picture): a scalar field over the plane as a heat
 * map, with real and generated points, arrows and mode markers on top, inside the scatter
 * plot's axes (same margins, ticks and pixel font as scatter.ts). Dependency-free: an RGB
 * raster, encoded by writeRaster.
 *
 * Coordinates. `bounds` = [xmin, xmax, ymin, ymax] is the data window; it fills the plot area
 * (the image minus scatter.ts's MARGIN), x to the right and y UP:
 *   px = left + (x - xmin) / (xmax - xmin) * plotWidth,  py = top + (ymax - y) / (ymax - ymin) * plotHeight
 * (scatter.ts's toPixel); the pixel holding a point is (floor(px), floor(py)).
 *
 * The field is sampled on a regular gridSize x gridSize grid of CELL CENTRES over `bounds`:
 *   values[row * gridSize + col] is the value at
 *   x = xmin + (col + 0.5) / gridSize * (xmax - xmin),  y = ymin + (row + 0.5) / gridSize * (ymax - ymin),
 * so row 0 is at the bottom (ymin) and col 0 at the left (xmin). Each pixel's centre is mapped
 * back to data units and the field interpolated bilinearly between cell centres (clamped to the
 * outermost centres near the edges), then coloured by a light diverging map: low = light
 * orange, middle = white, high = light blue, so points drawn on top stay visible.
 */
import { writeRaster, type RasterImage } from './png.js';
import { fieldColour } from './field_colour.js';

export { fieldColour } from './field_colour.js';
import { Canvas, MARGIN, drawAxes, drawDisc, drawMarkers, glyphs, textWidth, toPixel, type Bounds, type Rgb, type PlotArea } from './scatter.js';

export interface FieldPlotOptions {
  /** Image size in pixels; default 512 x 512. */
  width?: number;
  height?: number;
  /** Data window [xmin, xmax, ymin, ymax] (finite, xmax > xmin, ymax > ymin). */
  bounds: Bounds;
  /**
   * Scalar field on a gridSize x gridSize grid of cell centres over `bounds`:
   * values [gridSize * gridSize], values[row * gridSize + col], row 0 = ymin (bottom), col 0 = xmin.
   * `range` [lo, hi] is the value mapped to full orange / full blue; default [min, max] of the
   * finite values. Non-finite values show grey.
   */
  field?: { values: Float32Array; gridSize: number; range?: [number, number] };
  /** Real points [n, 2], flattened, drawn as green discs. */
  real?: Float32Array;
  /** Generated points [m, 2], flattened, drawn as purple discs (after, i.e. over, the real ones). */
  fake?: Float32Array;
  /** Arrows: starts `from` [k, 2] and vectors `vec` [k, 2] in data units (already scaled), drawn dark grey with a small head. */
  arrows?: { from: Float32Array; vec: Float32Array };
  /** Black crosses at [q, 2] data positions (mixture modes). */
  markers?: Float32Array;
  /** Short text at the top-left of the plot area (e.g. "step 1200"); letters a-z (any case), digits, space and . - : = ( ) + / , _ % */
  title?: string;
}

const REAL: Rgb = [20, 140, 60];
const FAKE: Rgb = [150, 40, 170];
const ARROW: Rgb = [60, 60, 60];
const POINT_RADIUS = 1.8;
const POINT_ALPHA = 0.6;

/** The scatter plot's font plus lowercase letters and a little punctuation (3x5, rows top to bottom, bit 4 = left column). */
const font: Record<string, number[]> = {
  ...glyphs,
  a: [2, 5, 7, 5, 5],
  b: [6, 5, 6, 5, 6],
  c: [3, 4, 4, 4, 3],
  d: [6, 5, 5, 5, 6],
  e: [7, 4, 6, 4, 7],
  f: [7, 4, 6, 4, 4],
  g: [3, 4, 5, 5, 3],
  h: [5, 5, 7, 5, 5],
  i: [7, 2, 2, 2, 7],
  j: [1, 1, 1, 5, 2],
  k: [5, 5, 6, 5, 5],
  l: [4, 4, 4, 4, 7],
  m: [5, 7, 7, 5, 5],
  n: [6, 5, 5, 5, 5],
  o: [2, 5, 5, 5, 2],
  p: [6, 5, 6, 4, 4],
  q: [2, 5, 5, 6, 3],
  r: [6, 5, 6, 5, 5],
  s: [3, 4, 2, 1, 6],
  t: [7, 2, 2, 2, 2],
  u: [5, 5, 5, 5, 7],
  v: [5, 5, 5, 5, 2],
  w: [5, 5, 7, 7, 5],
  x: [5, 5, 2, 5, 5],
  y: [5, 5, 2, 2, 2],
  z: [7, 1, 2, 4, 7],
  ' ': [0, 0, 0, 0, 0],
  ':': [0, 2, 0, 2, 0],
  '=': [0, 7, 0, 7, 0],
  '(': [1, 2, 2, 2, 1],
  ')': [4, 2, 2, 2, 4],
  '+': [0, 2, 7, 2, 0],
  '/': [1, 1, 2, 4, 4],
  ',': [0, 0, 0, 2, 4],
  '_': [0, 0, 0, 0, 7],
  '%': [5, 1, 2, 4, 5],
};

/** Text with its top-left corner at (x, y), glyphs scaled by `scale`; unknown characters leave a blank cell. */
function drawText(cv: Canvas, x: number, y: number, s: string, c: Rgb, scale = 2): void {
  for (const ch of s.toLowerCase()) {
    const g = font[ch];
    if (g) {
      for (let r = 0; r < 5; r++) {
        for (let b = 0; b < 3; b++) {
          if (!((g[r] >> (2 - b)) & 1)) continue;
          for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) cv.blend(x + b * scale + dx, y + r * scale + dy, c);
        }
      }
    }
    x += 4 * scale;
  }
}

/** The field's value at data point (x, y) by bilinear interpolation between cell centres (values [n * n]). */
function sampleField(values: Float32Array, n: number, bounds: Bounds, x: number, y: number): number {
  const [x0, x1, y0, y1] = bounds;
  // grid coordinates: cell centre (row r, col c) sits at (gx, gy) = (c, r)
  const gx = Math.min(n - 1, Math.max(0, ((x - x0) / (x1 - x0)) * n - 0.5));
  const gy = Math.min(n - 1, Math.max(0, ((y - y0) / (y1 - y0)) * n - 0.5));
  const c0 = Math.floor(gx);
  const r0 = Math.floor(gy);
  const c1 = Math.min(n - 1, c0 + 1);
  const r1 = Math.min(n - 1, r0 + 1);
  const fx = gx - c0;
  const fy = gy - r0;
  const lower = values[r0 * n + c0] * (1 - fx) + values[r0 * n + c1] * fx;
  const upper = values[r1 * n + c0] * (1 - fx) + values[r1 * n + c1] * fx;
  return lower * (1 - fy) + upper * fy;
}

/** A 1-pixel line between pixel-space points (continuous coordinates; pixel = floor), clipped to the plot area. */
function line(cv: Canvas, xa: number, ya: number, xb: number, yb: number, c: Rgb, area: PlotArea): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(xb - xa, yb - ya) * 2));
  for (let i = 0; i <= steps; i++) {
    const x = Math.floor(xa + ((xb - xa) * i) / steps);
    const y = Math.floor(ya + ((yb - ya) * i) / steps);
    if (x >= area.left && x < area.left + area.width && y >= area.top && y < area.top + area.height) cv.blend(x, y, c); // opaque
  }
}

function checkPairs(name: string, a: Float32Array | undefined): void {
  if (a && a.length % 2 !== 0) throw new Error(`renderFieldPlot: ${name} has ${a.length} entries; expected [n, 2] flattened (an even length)`);
}

/** Renders the field plot into an RGB image (data [height, width, 3], white background). */
export function renderFieldPlot(opts: FieldPlotOptions): RasterImage {
  const W = opts.width ?? 512;
  const H = opts.height ?? 512;
  if (!Number.isInteger(W) || !Number.isInteger(H)) throw new Error(`renderFieldPlot: width and height must be integers, got ${W}x${H}`);
  const area: PlotArea = { left: MARGIN.left, top: MARGIN.top, width: W - MARGIN.left - MARGIN.right, height: H - MARGIN.top - MARGIN.bottom };
  if (area.width < 8 || area.height < 8) throw new Error(`renderFieldPlot: ${W}x${H} is too small`);
  const bounds = opts.bounds;
  if (!Array.isArray(bounds) || bounds.length !== 4 || !bounds.every(Number.isFinite)) {
    throw new Error(`renderFieldPlot: bounds must be four finite numbers [xmin, xmax, ymin, ymax], got ${JSON.stringify(bounds)}`);
  }
  const [x0, x1, y0, y1] = bounds;
  if (!(x1 > x0 && y1 > y0)) throw new Error(`renderFieldPlot: bounds ${JSON.stringify(bounds)} are empty (need xmax > xmin and ymax > ymin)`);
  checkPairs('real', opts.real);
  checkPairs('fake', opts.fake);
  checkPairs('markers', opts.markers);
  if (opts.arrows) {
    checkPairs('arrows.from', opts.arrows.from);
    if (opts.arrows.vec.length !== opts.arrows.from.length) {
      throw new Error(`renderFieldPlot: arrows.vec has ${opts.arrows.vec.length} entries but arrows.from has ${opts.arrows.from.length}`);
    }
  }
  const cv = new Canvas(W, H);

  if (opts.field) {
    const { values, gridSize: n } = opts.field;
    if (!Number.isInteger(n) || n < 1) throw new Error(`renderFieldPlot: field.gridSize must be a positive integer, got ${n}`);
    if (values.length !== n * n) throw new Error(`renderFieldPlot: field.values has ${values.length} entries; gridSize ${n} needs ${n * n}`);
    let lo = Infinity;
    let hi = -Infinity;
    if (opts.field.range) {
      [lo, hi] = opts.field.range;
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) throw new Error(`renderFieldPlot: field.range ${JSON.stringify(opts.field.range)} must be finite [lo, hi] with lo <= hi`);
    } else {
      for (const v of values) {
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    // a constant (or all non-finite) field shows the middle colour
    const span = hi > lo ? hi - lo : 0;
    for (let py = 0; py < area.height; py++) {
      const y = y1 - ((py + 0.5) / area.height) * (y1 - y0);
      for (let px = 0; px < area.width; px++) {
        const x = x0 + ((px + 0.5) / area.width) * (x1 - x0);
        const v = sampleField(values, n, bounds, x, y);
        const t = !Number.isFinite(v) ? NaN : span > 0 ? (v - lo) / span : 0.5;
        const c = fieldColour(t);
        const j = ((area.top + py) * W + area.left + px) * 3;
        cv.data[j] = c[0];
        cv.data[j + 1] = c[1];
        cv.data[j + 2] = c[2];
      }
    }
  }

  for (const [pts, colour] of [[opts.real, REAL], [opts.fake, FAKE]] as const) {
    if (!pts) continue;
    for (let i = 0; i + 1 < pts.length; i += 2) drawDisc(cv, area, bounds, pts[i], pts[i + 1], colour, POINT_RADIUS, POINT_ALPHA);
  }

  if (opts.arrows) {
    const { px, py } = toPixel(bounds, area);
    const { from, vec } = opts.arrows;
    for (let i = 0; i + 1 < from.length; i += 2) {
      const [xa, ya] = [px(from[i]), py(from[i + 1])];
      const [xb, yb] = [px(from[i] + vec[i]), py(from[i + 1] + vec[i + 1])];
      if (![xa, ya, xb, yb].every(Number.isFinite)) continue;
      const len = Math.hypot(xb - xa, yb - ya);
      if (len < 1) continue;
      line(cv, xa, ya, xb, yb, ARROW, area);
      // Head: two short strokes back from the tip at +-30 degrees.
      const [ux, uy] = [(xa - xb) / len, (ya - yb) / len];
      const head = Math.min(5, len / 2);
      const cos = Math.cos(Math.PI / 6);
      for (const s of [-1, 1]) {
        const sin = s * Math.sin(Math.PI / 6);
        line(cv, xb, yb, xb + head * (ux * cos - uy * sin), yb + head * (ux * sin + uy * cos), ARROW, area);
      }
    }
  }

  if (opts.markers) drawMarkers(cv, bounds, area, opts.markers);
  drawAxes(cv, bounds, area);

  if (opts.title) {
    // on a translucent white box so it reads over the heat map
    const s = opts.title;
    const tw = Math.min(textWidth(s), area.width - 8);
    for (let y = area.top + 2; y < area.top + 16; y++) for (let x = area.left + 2; x < area.left + 6 + tw + 2; x++) if (x < area.left + area.width) cv.blend(x, y, [255, 255, 255], 0.7);
    drawText(cv, area.left + 5, area.top + 4, s, [0, 0, 0]);
  }
  return { data: cv.data, width: W, height: H, channels: 3 };
}

/** Renders a field plot and writes it (PNG, JPEG or WebP by extension) atomically, creating the parent directory. */
export async function writeFieldPlot(path: string, opts: FieldPlotOptions): Promise<void> {
  await writeRaster(path, renderFieldPlot(opts));
}
