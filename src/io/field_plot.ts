/**
 * A 2-D "field plot" (the GAN playground picture): a scalar field over the plane as a heat map,
 * with real and generated points, arrows and mode markers on top, inside the scatter plot's
 * axes. The field is sampled on a regular grid: values[row * gridSize + col] is the value at
 * the centre of cell (row, col), row 0 at ymin (bottom), col 0 at xmin; pixels between cell
 * centres are interpolated bilinearly.
 */
import { writeRaster, type RasterImage } from './png.js';
import { Canvas, MARGIN, drawAxes, drawDisc, drawMarkers, toPixel, type Bounds, type Rgb, type PlotArea } from './scatter.js';

export interface FieldPlotOptions {
  /** Image size in pixels; default 512 x 512. */
  width?: number;
  height?: number;
  /** Data window [xmin, xmax, ymin, ymax]. */
  bounds: Bounds;
  /** Scalar field on a gridSize x gridSize grid over `bounds`; colour range default [min, max]. */
  field?: { values: Float32Array; gridSize: number; range?: [number, number] };
  /** Real points [n, 2] (green) and generated points [m, 2] (purple), flattened. */
  real?: Float32Array;
  fake?: Float32Array;
  /** Arrows from `from` [k, 2] along `vec` [k, 2], in data units. */
  arrows?: { from: Float32Array; vec: Float32Array };
  /** Black crosses at [q, 2] (mixture modes). */
  markers?: Float32Array;
}

const LOW: Rgb = [245, 166, 90]; // light orange: low values (D says "fake")
const MID: Rgb = [255, 255, 255];
const HIGH: Rgb = [90, 170, 215]; // light blue: high values (D says "real")
const REAL: Rgb = [20, 140, 60];
const FAKE: Rgb = [150, 40, 170];
const ARROW: Rgb = [60, 60, 60];

/** Diverging colour map on t in [0, 1]: orange -> white -> blue. */
export function fieldColour(t: number): Rgb {
  const u = Math.min(1, Math.max(0, t));
  const [a, b, s] = u < 0.5 ? [LOW, MID, u * 2] : [MID, HIGH, (u - 0.5) * 2];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * s)) as Rgb;
}

/** The field's value at data point (x, y) by bilinear interpolation between cell centres. */
function sampleField(values: Float32Array, n: number, bounds: Bounds, x: number, y: number): number {
  const [x0, x1, y0, y1] = bounds;
  const gx = Math.min(n - 1, Math.max(0, ((x - x0) / (x1 - x0)) * n - 0.5));
  const gy = Math.min(n - 1, Math.max(0, ((y - y0) / (y1 - y0)) * n - 0.5));
  const c0 = Math.floor(gx);
  const r0 = Math.floor(gy);
  const c1 = Math.min(n - 1, c0 + 1);
  const r1 = Math.min(n - 1, r0 + 1);
  const fx = gx - c0;
  const fy = gy - r0;
  const top = values[r0 * n + c0] * (1 - fx) + values[r0 * n + c1] * fx;
  const bottom = values[r1 * n + c0] * (1 - fx) + values[r1 * n + c1] * fx;
  return top * (1 - fy) + bottom * fy;
}

function line(cv: Canvas, xa: number, ya: number, xb: number, yb: number, c: Rgb, area: PlotArea): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(xb - xa, yb - ya) * 2));
  for (let i = 0; i <= steps; i++) {
    const x = Math.round(xa + ((xb - xa) * i) / steps);
    const y = Math.round(ya + ((yb - ya) * i) / steps);
    if (x >= area.left && x < area.left + area.width && y >= area.top && y < area.top + area.height) cv.blend(x, y, c, 0.9);
  }
}

export function renderFieldPlot(opts: FieldPlotOptions): RasterImage {
  const W = opts.width ?? 512;
  const H = opts.height ?? 512;
  const area: PlotArea = { left: MARGIN.left, top: MARGIN.top, width: W - MARGIN.left - MARGIN.right, height: H - MARGIN.top - MARGIN.bottom };
  if (area.width < 8 || area.height < 8) throw new Error(`renderFieldPlot: ${W}x${H} is too small`);
  const [x0, x1, y0, y1] = opts.bounds;
  if (!(x1 > x0 && y1 > y0)) throw new Error(`renderFieldPlot: bounds ${JSON.stringify(opts.bounds)} are empty`);
  const cv = new Canvas(W, H);
  if (opts.field) {
    const { values, gridSize: n } = opts.field;
    if (values.length !== n * n) throw new Error(`renderFieldPlot: field.values has ${values.length} entries, gridSize ${n} needs ${n * n}`);
    let [lo, hi] = opts.field.range ?? [Infinity, -Infinity];
    if (!opts.field.range) for (const v of values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const span = hi > lo ? hi - lo : 1;
    for (let py = 0; py < area.height; py++) {
      const y = y1 - ((py + 0.5) / area.height) * (y1 - y0);
      for (let px = 0; px < area.width; px++) {
        const x = x0 + ((px + 0.5) / area.width) * (x1 - x0);
        cv.blend(area.left + px, area.top + py, fieldColour((sampleField(values, n, opts.bounds, x, y) - lo) / span));
      }
    }
  }
  for (const [pts, colour] of [[opts.real, REAL], [opts.fake, FAKE]] as const) {
    if (!pts) continue;
    for (let i = 0; i + 1 < pts.length; i += 2) drawDisc(cv, area, opts.bounds, pts[i], pts[i + 1], colour, 1.8, 0.6);
  }
  if (opts.arrows) {
    const { px, py } = toPixel(opts.bounds, area);
    const { from, vec } = opts.arrows;
    for (let i = 0; i + 1 < from.length; i += 2) {
      const [xa, ya] = [px(from[i]), py(from[i + 1])];
      const [xb, yb] = [px(from[i] + vec[i]), py(from[i + 1] + vec[i + 1])];
      const len = Math.hypot(xb - xa, yb - ya);
      if (len < 1) continue;
      line(cv, xa, ya, xb, yb, ARROW, area);
      // Head: two short strokes back from the tip at +-30 degrees.
      const [ux, uy] = [(xa - xb) / len, (ya - yb) / len];
      const head = Math.min(5, len / 2);
      for (const s of [-1, 1]) {
        const c = Math.cos(Math.PI / 6);
        const sn = s * Math.sin(Math.PI / 6);
        line(cv, xb, yb, xb + head * (ux * c - uy * sn), yb + head * (ux * sn + uy * c), ARROW, area);
      }
    }
  }
  if (opts.markers) drawMarkers(cv, opts.bounds, area, opts.markers);
  drawAxes(cv, opts.bounds, area);
  return { data: cv.data, width: W, height: H, channels: 3 };
}

/** Renders a field plot and writes it (PNG or WebP by extension), atomically. */
export async function writeFieldPlot(path: string, opts: FieldPlotOptions): Promise<void> {
  await writeRaster(path, renderFieldPlot(opts));
}
