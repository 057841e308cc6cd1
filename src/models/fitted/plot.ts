/**
 * Pictures of a fitted density. 2-D data: the density as a heat map over the plot area, its
 * highest-density regions holding 50%, 90% and 99% of the mass outlined as contours, the data
 * scattered on top and the component means (GMM) marked with crosses. Images: real images
 * above samples, and the mean image(s).
 */
import { autoBounds, renderScatter } from '../../io/scatter.js';
import type { Bounds, Rgb } from '../../io/scatter.js';
import { writeRaster } from '../../io/png.js';
import type { RasterImage } from '../../io/png.js';

/**
 * The plot-area margins of src/io/scatter.ts's renderScatter (its MARGIN constant, which it
 * does not export); the heat map is laid under exactly that area.
 */
const SCATTER_MARGIN = { left: 44, right: 12, top: 12, bottom: 26 };

/** A density to draw: log p at each of n points [n, 2]. */
export type LogDensity = (points: Float64Array, n: number) => Float64Array;

/** White to dark red through yellow and orange: colour of a density value t in [0, 1]. */
const RAMP: Rgb[] = [
  [255, 255, 255],
  [255, 240, 170],
  [253, 180, 80],
  [235, 75, 40],
  [140, 10, 40],
];

function rampColour(t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(RAMP[i][c] * (1 - f) + RAMP[i + 1][c] * f)) as Rgb;
}

/**
 * Density thresholds of the highest-density regions holding the given fractions of the mass
 * inside the plotted window: sort the cell densities in decreasing order and stop where the running sum
 * reaches each fraction of the total (cells of equal area, so mass is proportional to density).
 */
export function hdrThresholds(density: Float64Array, fractions: number[]): number[] {
  const sorted = Float64Array.from(density).sort().reverse();
  let total = 0;
  for (const v of sorted) total += v;
  const out: number[] = [];
  for (const f of fractions) {
    let acc = 0;
    let t = sorted[sorted.length - 1];
    for (const v of sorted) {
      acc += v;
      if (acc >= f * total) {
        t = v;
        break;
      }
    }
    out.push(t);
  }
  return out;
}

export interface DensityPlotOptions {
  width?: number;
  height?: number;
  /** Data window; default: the data's extent plus 5%, equal scales. */
  bounds?: Bounds;
  /** [m, 2] positions drawn as crosses (GMM means). */
  markers?: Float32Array;
  /** Mass fractions outlined by contours; default [0.5, 0.9, 0.99]. */
  levels?: number[];
}

/** Renders data [n, 2] over the heat map of `logDensity`, with HDR contours. */
export function renderDensityPlot(points: Float32Array, logDensity: LogDensity, opts: DensityPlotOptions = {}): RasterImage {
  const W = opts.width ?? 512;
  const H = opts.height ?? 512;
  const m = SCATTER_MARGIN;
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const bounds = opts.bounds ?? autoBounds(points, pw, ph, true);
  const [x0, x1, y0, y1] = bounds;
  // Density at every pixel centre of the plot area (y up).
  const grid = new Float64Array(pw * ph * 2);
  for (let r = 0; r < ph; r++) {
    for (let c = 0; c < pw; c++) {
      grid[2 * (r * pw + c)] = x0 + ((c + 0.5) / pw) * (x1 - x0);
      grid[2 * (r * pw + c) + 1] = y1 - ((r + 0.5) / ph) * (y1 - y0);
    }
  }
  const logp = logDensity(grid, pw * ph);
  let maxLog = -Infinity;
  for (const v of logp) if (v > maxLog) maxLog = v;
  const dens = Float64Array.from(logp, (v) => Math.exp(v - maxLog)); // p / max p
  const levels = hdrThresholds(dens, opts.levels ?? [0.5, 0.9, 0.99]);
  const levelOf = (v: number): number => levels.filter((t) => v >= t).length; // number of regions containing the pixel

  const img = renderScatter(points, { width: W, height: H, bounds, colour: [0, 0, 0], alpha: 0.35, radius: 1.2, markers: opts.markers });
  const out = new Uint8Array(img.data);
  const contour: Rgb = [20, 40, 150];
  for (let r = 0; r < ph; r++) {
    for (let c = 0; c < pw; c++) {
      const k = r * pw + c;
      const lv = levelOf(dens[k]);
      const edge = (c + 1 < pw && levelOf(dens[k + 1]) !== lv) || (r + 1 < ph && levelOf(dens[k + pw]) !== lv);
      // sqrt stretches the low densities so the tails stay visible
      const colour = edge ? contour : rampColour(Math.sqrt(dens[k]));
      const i = ((m.top + r) * W + (m.left + c)) * 3;
      // multiply blend: white scatter background takes the heat colour, the dots stay dark
      for (let ch = 0; ch < 3; ch++) out[i + ch] = Math.round((img.data[i + ch] * colour[ch]) / 255);
    }
  }
  return { data: out, width: W, height: H, channels: 3 };
}

export async function writeDensityPlot(path: string, points: Float32Array, logDensity: LogDensity, opts: DensityPlotOptions = {}): Promise<void> {
  await writeRaster(path, renderDensityPlot(points, logDensity, opts));
}
