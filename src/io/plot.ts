/**
 * Dependency-free SVG line plots (loss curves from metrics.jsonl), and PNG through sharp.
 */
import sharp from 'sharp';
import { writeFileAtomic } from './atomic.js';

export interface Series {
  name: string;
  x: number[];
  y: number[];
}

export interface PlotOptions {
  title?: string;
  xLabel?: string;
  width?: number;
  height?: number;
  logY?: boolean;
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(+v.toPrecision(12));
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(1) : String(+v.toPrecision(4));
}

/** Running mean over the last `window` values (trailing, so a curve never looks ahead): y_s = mean(y_{s-w+1..s}). */
export function smooth(y: number[], window: number): number[] {
  if (window <= 1) return y;
  const out: number[] = [];
  let s = 0;
  const q: number[] = [];
  for (const v of y) {
    q.push(v);
    s += v;
    if (q.length > window) s -= q.shift()!;
    out.push(s / q.length);
  }
  return out;
}

export function linePlotSvg(series: Series[], opts: PlotOptions = {}): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 360;
  const m = { l: 64, r: 16, t: opts.title ? 30 : 12, b: 40 };
  const tf = (v: number) => (opts.logY ? Math.log10(Math.max(v, 1e-30)) : v);
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y.filter(Number.isFinite).map(tf));
  const x0 = Math.min(...xs, 0);
  const x1 = Math.max(...xs, 1);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (!Number.isFinite(y0)) [y0, y1] = [0, 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((tf(y) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`];
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (opts.title) parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(opts.title)}</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  for (const tx of ticks(x0, x1)) {
    const x = px(tx);
    parts.push(`<line x1="${x}" y1="${H - m.b}" x2="${x}" y2="${H - m.b + 4}" stroke="#333"/><text x="${x}" y="${H - m.b + 16}" text-anchor="middle">${fmt(tx)}</text>`);
  }
  for (const ty of ticks(y0, y1)) {
    const y = H - m.b - ((ty - y0) / (y1 - y0)) * (H - m.t - m.b);
    const label = opts.logY ? fmt(10 ** ty) : fmt(ty);
    parts.push(`<line x1="${m.l - 4}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#ddd"/><text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${label}</text>`);
  }
  if (opts.xLabel) parts.push(`<text x="${(W + m.l) / 2}" y="${H - 6}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = s.x.map((x, k) => (Number.isFinite(s.y[k]) ? `${px(x).toFixed(1)},${py(s.y[k]).toFixed(1)}` : '')).filter(Boolean);
    if (pts.length) parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    parts.push(`<rect x="${m.l + 10}" y="${m.t + 8 + 16 * i}" width="12" height="3" fill="${c}"/><text x="${m.l + 28}" y="${m.t + 13 + 16 * i}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export async function writePlot(path: string, series: Series[], opts: PlotOptions = {}): Promise<void> {
  const svg = linePlotSvg(series, opts);
  if (path.endsWith('.svg')) return writeFileAtomic(path, svg);
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  await writeFileAtomic(path, new Uint8Array(png));
}
