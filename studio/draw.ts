/**
 * Canvas drawing for the studio's panels: grey images and grids, the playground's field plot
 * (heat map, points, arrows, mode markers, the picture src/io/field_plot.ts writes as PNG),
 * line charts and labelled scatters. Data coordinates: bounds [xmin, xmax, ymin, ymax], y up.
 */
import { fieldColour } from '../src/io/field_colour.js';

export type Bounds = [number, number, number, number];

/** Data point -> canvas pixel (y up in data, down on the canvas). */
export function toCanvas(b: Bounds, w: number, h: number, x: number, y: number): [number, number] {
  return [((x - b[0]) / (b[1] - b[0])) * w, ((b[3] - y) / (b[3] - b[2])) * h];
}

/** Canvas pixel -> data point. */
export function fromCanvas(b: Bounds, w: number, h: number, px: number, py: number): [number, number] {
  return [b[0] + (px / w) * (b[1] - b[0]), b[3] - (py / h) * (b[3] - b[2])];
}

/** One [h, w] grey image (values in [0, 1], row-major) at (x, y), each pixel a scale x scale square. */
export function drawGrey(ctx: CanvasRenderingContext2D, pixels: ArrayLike<number>, h: number, w: number, x: number, y: number, scale: number, offset = 0): void {
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[offset + i])));
    img.data.set([v, v, v, 255], 4 * i);
  }
  // Scale without smoothing: draw at 1:1 on a scratch canvas, then blow up.
  const scratch = new OffscreenCanvas(w, h);
  scratch.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, x, y, w * scale, h * scale);
}

/** n images [n, h, w] in a grid of `cols` columns; the canvas is resized to fit. */
export function drawGrid(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, n: number, h: number, w: number, cols: number, scale: number, gap = 2): void {
  const rows = Math.ceil(n / cols);
  canvas.width = cols * (w * scale + gap) - gap;
  canvas.height = rows * (h * scale + gap) - gap;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < n; i++) drawGrey(ctx, pixels, h, w, (i % cols) * (w * scale + gap), Math.floor(i / cols) * (h * scale + gap), scale, i * h * w);
}

export interface FieldView {
  bounds: Bounds;
  field?: { values: Float32Array; gridSize: number; range?: [number, number] };
  real?: Float32Array;
  fake?: Float32Array;
  arrows?: { from: Float32Array; vec: Float32Array };
  markers?: Float32Array;
}

/** The playground picture: heat map (cell centres, row 0 at ymin), real (green), generated (purple), arrows, modes. */
export function drawField(canvas: HTMLCanvasElement, v: FieldView): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  if (v.field) {
    const { values, gridSize: g } = v.field;
    let [lo, hi] = v.field.range ?? [Infinity, -Infinity];
    if (!v.field.range) for (const x of values) if (Number.isFinite(x)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    const img = ctx.createImageData(g, g);
    for (let r = 0; r < g; r++) {
      for (let c = 0; c < g; c++) {
        const x = values[r * g + c];
        const rgb = fieldColour(Number.isFinite(x) ? (hi > lo ? (x - lo) / (hi - lo) : 0.5) : NaN);
        img.data.set([...rgb, 255], 4 * ((g - 1 - r) * g + c)); // row 0 is ymin: the bottom
      }
    }
    const scratch = new OffscreenCanvas(g, g);
    scratch.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(scratch, 0, 0, w, h);
  }
  const dots = (pts: Float32Array | undefined, colour: string, r: number) => {
    if (!pts) return;
    ctx.fillStyle = colour;
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const [px, py] = toCanvas(v.bounds, w, h, pts[i], pts[i + 1]);
      ctx.fillRect(px - r, py - r, 2 * r, 2 * r);
    }
  };
  dots(v.real, 'rgba(26, 152, 80, 0.55)', 1.5);
  dots(v.fake, 'rgba(118, 42, 131, 0.65)', 1.5);
  if (v.arrows) {
    ctx.strokeStyle = 'rgba(60, 60, 60, 0.8)';
    ctx.lineWidth = 1;
    const { from, vec } = v.arrows;
    for (let i = 0; i + 1 < from.length; i += 2) {
      const [x0, y0] = toCanvas(v.bounds, w, h, from[i], from[i + 1]);
      const [x1, y1] = toCanvas(v.bounds, w, h, from[i] + vec[i], from[i + 1] + vec[i + 1]);
      const a = Math.atan2(y1 - y0, x1 - x0);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.lineTo(x1 - 4 * Math.cos(a - 0.5), y1 - 4 * Math.sin(a - 0.5));
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 4 * Math.cos(a + 0.5), y1 - 4 * Math.sin(a + 0.5));
      ctx.stroke();
    }
  }
  if (v.markers) {
    ctx.strokeStyle = '#000';
    for (let i = 0; i + 1 < v.markers.length; i += 2) {
      const [px, py] = toCanvas(v.bounds, w, h, v.markers[i], v.markers[i + 1]);
      ctx.beginPath();
      ctx.moveTo(px - 5, py);
      ctx.lineTo(px + 5, py);
      ctx.moveTo(px, py - 5);
      ctx.lineTo(px, py + 5);
      ctx.stroke();
    }
  }
}

export interface Series {
  label: string;
  colour: string;
  x: number[];
  y: number[];
}

/** Lines over a shared x range with a legend and the y range written at the left. */
export function drawLines(canvas: HTMLCanvasElement, series: Series[], title: string): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const pad = { l: 44, r: 8, t: 18, b: 16 };
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.fillText(title, pad.l, 12);
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  if (!xs.length || !ys.length) return;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const px = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
  const py = (y: number) => pad.t + ((y1 - y) / (y1 - y0)) * (h - pad.t - pad.b);
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(pad.l, pad.t, w - pad.l - pad.r, h - pad.t - pad.b);
  ctx.fillText(y1.toPrecision(3), 2, pad.t + 8);
  ctx.fillText(y0.toPrecision(3), 2, h - pad.b);
  ctx.fillText(String(x1), w - pad.r - 30, h - 3);
  series.forEach((s, k) => {
    ctx.strokeStyle = s.colour;
    ctx.beginPath();
    // A gap where a value is missing (e.g. G's loss before the first generator step of a WGAN).
    let pen = false;
    s.x.forEach((x, i) => {
      if (!Number.isFinite(s.y[i])) return void (pen = false);
      if (pen) ctx.lineTo(px(x), py(s.y[i]));
      else ctx.moveTo(px(x), py(s.y[i]));
      pen = true;
    });
    ctx.stroke();
    ctx.fillStyle = s.colour;
    ctx.fillText(s.label, pad.l + 6 + k * 70, pad.t + 12);
  });
}

/** Ten distinguishable colours for digit labels 0-9. */
export const LABEL_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Points [n, 2] coloured by label in `bounds`. */
export function drawScatter(ctx: CanvasRenderingContext2D, w: number, h: number, b: Bounds, pts: ArrayLike<number>, labels: ArrayLike<number>): void {
  for (let i = 0; 2 * i + 1 < pts.length; i++) {
    const [px, py] = toCanvas(b, w, h, pts[2 * i], pts[2 * i + 1]);
    ctx.fillStyle = LABEL_COLOURS[labels[i] % 10];
    ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
  }
}
