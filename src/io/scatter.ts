/**
 * A small dependency-free scatter plot renderer for 2-D point sets: points (optionally
 * coloured by label) alpha-blended into an RGB buffer on white, inside an axes box with tick
 * marks and numeric tick labels drawn in a 3x5 pixel font. Saved as PNG through sharp.
 */
import { writeRaster, type RasterImage } from './png.js';

export type Bounds = [xmin: number, xmax: number, ymin: number, ymax: number];
export type Rgb = [number, number, number];

export interface ScatterOptions {
  /** Image size in pixels; default 512 x 512. */
  width?: number;
  height?: number;
  /** Data window; default: the points' extent plus 5%, widened to equal x and y scales. */
  bounds?: Bounds;
  /** Colour each point by its label (categorical palette, cycled). */
  labels?: Int32Array;
  /** Colour of unlabelled points; default blue. */
  colour?: Rgb;
  /** Disc radius in pixels; default 1.5. */
  radius?: number;
  /** Opacity of each point; default 0.5. */
  alpha?: number;
  /** [m, 2] positions drawn as black crosses (e.g. mixture modes). */
  markers?: Float32Array;
  /** Keep x and y on the same scale when choosing bounds automatically; default true. */
  equalAspect?: boolean;
}

/** Ten well-separated categorical colours (matplotlib's tab10 values). */
export const palette: Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/** Space around the plot area for the axes' tick labels, in pixels. */
export const MARGIN = { left: 44, right: 12, top: 12, bottom: 26 };

/** Bounds that contain every point plus a 5% margin, optionally with equal units per pixel on both axes. */
export function autoBounds(points: Float32Array, plotW = 1, plotH = 1, equalAspect = true): Bounds {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i];
    const y = points[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (x0 > x1) [x0, x1, y0, y1] = [-1, 1, -1, 1];
  let dx = Math.max(x1 - x0, 1e-6) * 1.1;
  let dy = Math.max(y1 - y0, 1e-6) * 1.1;
  if (equalAspect) {
    // units per pixel u = max(dx / plotW, dy / plotH) on both axes
    const u = Math.max(dx / plotW, dy / plotH);
    dx = u * plotW;
    dy = u * plotH;
  }
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return [cx - dx / 2, cx + dx / 2, cy - dy / 2, cy + dy / 2];
}

/** Tick positions at a "nice" step (1, 2 or 5 times a power of ten), about `target` of them. */
export function niceTicks(lo: number, hi: number, target = 5): { ticks: number[]; step: number } {
  const raw = (hi - lo) / target;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  const step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return { ticks, step };
}

// 3x5 glyphs, one 3-bit row per entry, top to bottom
export const glyphs: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '-': [0, 0, 7, 0, 0],
  '.': [0, 0, 0, 0, 2],
};

/** An RGB raster on white with alpha blending and a tiny pixel font. */
export class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 3).fill(255);
  }

  /** out = (1 - a) * out + a * colour */
  blend(x: number, y: number, c: Rgb, a = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    for (let k = 0; k < 3; k++) this.data[i + k] = Math.round((1 - a) * this.data[i + k] + a * c[k]);
  }

  hline(x0: number, x1: number, y: number, c: Rgb): void {
    for (let x = x0; x <= x1; x++) this.blend(x, y, c);
  }

  vline(x: number, y0: number, y1: number, c: Rgb): void {
    for (let y = y0; y <= y1; y++) this.blend(x, y, c);
  }

  /** Draws text with its top-left corner at (x, y), glyphs scaled by s. */
  text(x: number, y: number, s: string, c: Rgb, scale = 2): void {
    for (const ch of s) {
      const g = glyphs[ch];
      if (g) {
        for (let r = 0; r < 5; r++) {
          for (let b = 0; b < 3; b++) {
            if (!((g[r] >> (2 - b)) & 1)) continue;
            for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) this.blend(x + b * scale + dx, y + r * scale + dy, c);
          }
        }
      }
      x += 4 * scale;
    }
  }
}

export function textWidth(s: string, scale = 2): number {
  return s.length * 4 * scale - scale;
}

function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const s = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** The plot area inside the margins, in pixels. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** data -> pixel: px = left + (x - x0) / (x1 - x0) * width,  py = top + (y1 - y) / (y1 - y0) * height  (y up). */
export function toPixel(bounds: Bounds, area: PlotArea): { px: (x: number) => number; py: (y: number) => number } {
  const [x0, x1, y0, y1] = bounds;
  return {
    px: (x: number) => area.left + ((x - x0) / (x1 - x0)) * area.width,
    py: (y: number) => area.top + ((y1 - y) / (y1 - y0)) * area.height,
  };
}

/** One alpha-blended disc at data point (x, y), clipped to the plot area; points outside the bounds are skipped. */
export function drawDisc(cv: Canvas, area: PlotArea, bounds: Bounds, x: number, y: number, colour: Rgb, radius: number, alpha: number): void {
  const [x0, x1, y0, y1] = bounds;
  if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) return;
  const { px, py } = toPixel(bounds, area);
  const cx = px(x);
  const cy = py(y);
  const ix = Math.floor(cx);
  const iy = Math.floor(cy);
  const r = Math.ceil(radius);
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const qx = ix + dx;
      const qy = iy + dy;
      // pixel centre within the disc
      if ((qx + 0.5 - cx) ** 2 + (qy + 0.5 - cy) ** 2 > radius * radius) continue;
      if (qx < area.left || qx >= area.left + area.width || qy < area.top || qy >= area.top + area.height) continue;
      cv.blend(qx, qy, colour, alpha);
    }
  }
}

/** Black crosses at [m, 2] data positions (e.g. mixture modes). */
export function drawMarkers(cv: Canvas, bounds: Bounds, area: PlotArea, markers: Float32Array): void {
  const { px, py } = toPixel(bounds, area);
  const black: Rgb = [0, 0, 0];
  for (let k = 0; k + 1 < markers.length; k += 2) {
    const mx = Math.round(px(markers[k]));
    const my = Math.round(py(markers[k + 1]));
    for (let d = -4; d <= 4; d++) {
      cv.blend(mx + d, my + d, black);
      cv.blend(mx + d, my - d, black);
    }
  }
}

/** The axes box around the plot area, with ticks and numeric labels. */
export function drawAxes(cv: Canvas, bounds: Bounds, area: PlotArea): void {
  const [x0, x1, y0, y1] = bounds;
  const { px, py } = toPixel(bounds, area);
  const black: Rgb = [0, 0, 0];
  const L = area.left - 1;
  const R = area.left + area.width;
  const T = area.top - 1;
  const B = area.top + area.height;
  cv.hline(L, R, T, black);
  cv.hline(L, R, B, black);
  cv.vline(L, T, B, black);
  cv.vline(R, T, B, black);
  const xt = niceTicks(x0, x1);
  for (const t of xt.ticks) {
    const x = Math.round(px(t));
    cv.vline(x, B + 1, B + 4, black);
    const s = formatTick(t, xt.step);
    cv.text(x - Math.floor(textWidth(s) / 2), B + 8, s, black);
  }
  const yt = niceTicks(y0, y1);
  for (const t of yt.ticks) {
    const y = Math.round(py(t));
    cv.hline(L - 4, L - 1, y, black);
    const s = formatTick(t, yt.step);
    cv.text(L - 7 - textWidth(s), y - 5, s, black);
  }
}

/** Renders points [n, 2] into an RGB image. */
export function renderScatter(points: Float32Array, opts: ScatterOptions = {}): RasterImage & { bounds: Bounds } {
  const W = opts.width ?? 512;
  const H = opts.height ?? 512;
  const plotW = W - MARGIN.left - MARGIN.right;
  const plotH = H - MARGIN.top - MARGIN.bottom;
  if (plotW < 8 || plotH < 8) throw new Error(`renderScatter: ${W}x${H} is too small`);
  const bounds = opts.bounds ?? autoBounds(points, plotW, plotH, opts.equalAspect ?? true);
  const cv = new Canvas(W, H);
  const alpha = opts.alpha ?? 0.5;
  const radius = opts.radius ?? 1.5;
  const n = Math.floor(points.length / 2);
  const area = { left: MARGIN.left, top: MARGIN.top, width: plotW, height: plotH };
  for (let i = 0; i < n; i++) {
    const colour = opts.labels ? palette[((opts.labels[i] % palette.length) + palette.length) % palette.length] : (opts.colour ?? palette[0]);
    drawDisc(cv, area, bounds, points[2 * i], points[2 * i + 1], colour, radius, alpha);
  }
  if (opts.markers) drawMarkers(cv, bounds, area, opts.markers);
  drawAxes(cv, bounds, area);
  return { data: cv.data, width: W, height: H, channels: 3, bounds };
}

/** Renders a scatter plot and writes it as PNG (atomically, creating the parent directory). */
export async function writeScatter(path: string, points: Float32Array, opts: ScatterOptions = {}): Promise<Bounds> {
  const img = renderScatter(points, opts);
  await writeRaster(path, img);
  return img.bounds;
}
