/**
 * Generative modelling in two steps, with classical densities: (1) fit a distribution to the
 * samples by maximum likelihood (a Gaussian in closed form, a Gaussian mixture by EM), (2)
 * sample it (Box-Muller normals). A fit lives in a directory:
 *
 *   DIR/fit.json    the FitRecord: parameters (src/distributions), data source, options, metrics
 *   DIR/fit.png     2-D data: data over the density heat map with 50/90/99% contours;
 *                   images: real images (top rows) above samples (bottom rows)
 *   DIR/means.png   images only: the mean image, or the mixture means by decreasing weight
 *
 * Fitting a Gaussian to image pixels is a legitimate (if poor) generative model and a baseline
 * for the deep models: its test log-likelihood is reported in nats per image.
 */
import { readFile, access } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { loadSource } from '../../data/index.js';
import type { Dataset } from '../../data/types.js';
import { Gaussian, fitGaussian, parseGaussianParams } from '../../distributions/gaussian.js';
import type { GaussianParams } from '../../distributions/gaussian.js';
import { Gmm, fitGmm, parseGmmParams } from '../../distributions/gmm.js';
import type { GmmParams } from '../../distributions/gmm.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { writeFileAtomic } from '../../io/png.js';
import { writeScatter } from '../../io/scatter.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { writeDensityPlot } from './plot.js';

import { defaultFitOptions, type FitKind, type FitOptions } from './options.js';

export { defaultFitOptions, type FitKind, type FitOptions } from './options.js';

export interface FitRecord {
  genlab: string;
  kind: 'fit';
  distribution: FitKind;
  /** Data source spec as given (train split used for fitting, test split for evaluation). */
  data: string;
  dataShape: { kind: 'images' | 'points'; shape: number[] };
  options: FitOptions;
  params: GaussianParams | GmmParams;
  metrics: {
    /** Mean log-likelihood, nats per example. */
    trainLogLik: number;
    testLogLik: number | null;
    /** Images: test bits per dimension -L/(d ln 2) + 8 (density on the 0..255 scale, no dequantisation); null for points. */
    testBitsPerDim: number | null;
    nTrain: number;
    nTest: number;
    /** EM iterations and convergence (gmm). */
    iterations?: number;
    converged?: boolean;
    seconds: number;
  };
}

/** A fitted density with the operations the figures and `sample` need. */
export interface FittedDensity {
  dim: number;
  /** log p of each row of x [n, dim]. */
  logPdfBatch(x: ArrayLike<number>, n: number): Float64Array;
  /** n samples [n, dim]. */
  sample(rng: Rng, n: number): Float64Array;
  /** Component means [k * dim] ordered by decreasing weight (one for a Gaussian), and their weights. */
  means(): { means: Float64Array; weights: number[] };
}

export function densityOf(params: GaussianParams | GmmParams): FittedDensity {
  if (params.kind === 'gaussian') {
    const g = new Gaussian(params);
    return {
      dim: g.dim,
      logPdfBatch: (x, n) => g.logPdfBatch(x, n),
      sample: (rng, n) => g.sample(rng, n),
      means: () => ({ means: Float64Array.from(g.mean), weights: [1] }),
    };
  }
  const m = new Gmm(params);
  return {
    dim: m.dim,
    logPdfBatch: (x, n) => m.logPdfBatch(x, n),
    sample: (rng, n) => m.sample(rng, n).points,
    means: () => {
      const order = params.weights.map((w, c) => [w, c]).sort((a, b) => b[0] - a[0]).map(([, c]) => c);
      const d = params.dim;
      const out = new Float64Array(order.length * d);
      order.forEach((c, i) => out.set(params.components[c].mean, i * d));
      return { means: out, weights: order.map((c) => params.weights[c]) };
    },
  };
}

/** The rows of a dataset as a flat [n, d] array (images flattened HWC). */
export function dataMatrix(ds: Dataset): { x: Float32Array; n: number; d: number } {
  if (ds.kind === 'points') return { x: ds.points, n: ds.n, d: 2 };
  return { x: ds.pixels, n: ds.n, d: ds.height * ds.width * ds.channels };
}

function shapeOf(ds: Dataset): FitRecord['dataShape'] {
  return ds.kind === 'points' ? { kind: 'points', shape: [2] } : { kind: 'images', shape: [ds.height, ds.width, ds.channels] };
}

async function genlabVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Mean log-likelihood (nats per example) of a dataset under a density. */
function meanLogLik(density: FittedDensity, ds: Dataset): number {
  const { x, n } = dataMatrix(ds);
  const lp = density.logPdfBatch(x, n);
  let s = 0;
  for (const v of lp) s += v;
  return s / n;
}

/**
 * Fits `kind` to the training split of `source` and evaluates it on the test split.
 * `options` override the data-dependent defaults.
 */
export async function fitSource(
  kind: FitKind, source: string, options: Partial<FitOptions> = {},
  onIteration?: (iteration: number, logLik: number) => void,
): Promise<{ record: FitRecord; train: Dataset }> {
  const train = await loadSource(source, { split: 'train', limit: options.limit ?? undefined });
  let test: Dataset | null = null;
  try {
    test = await loadSource(source, { split: 'test' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    test = null; // a source without a test split (e.g. one idx file) is evaluated on its training data only
  }
  const opts: FitOptions = { ...defaultFitOptions(kind, train.kind), ...options };
  const { x, n, d } = dataMatrix(train);
  const t0 = Date.now();
  let params: GaussianParams | GmmParams;
  const extra: { iterations?: number; converged?: boolean } = {};
  if (kind === 'gaussian') {
    params = fitGaussian(x, n, d, { covariance: opts.covariance, ridge: opts.ridge });
  } else {
    const r = fitGmm(x, n, d, { k: opts.components, covariance: opts.covariance, ridge: opts.ridge, maxIter: opts.maxIter }, new Rng(opts.seed), onIteration);
    params = r.params;
    extra.iterations = r.iterations;
    extra.converged = r.converged;
  }
  const density = densityOf(params); // throws a UserError when a covariance is singular
  const trainLogLik = meanLogLik(density, train);
  const testLogLik = test ? meanLogLik(density, test) : null;
  const images = train.kind === 'images';
  // bits/dim: -L / (d ln 2); for [0, 1] images the density on the 0..255 scale is p / 256^d (+8 bits).
  const testBitsPerDim = testLogLik === null || !images ? null : -testLogLik / (d * Math.LN2) + 8;
  const record: FitRecord = {
    genlab: await genlabVersion(),
    kind: 'fit',
    distribution: kind,
    data: source,
    dataShape: shapeOf(train),
    options: opts,
    params,
    metrics: { trainLogLik, testLogLik, testBitsPerDim, nTrain: n, nTest: test?.n ?? 0, ...extra, seconds: (Date.now() - t0) / 1000 },
  };
  return { record, train };
}

/** Writes fit.json and the figures into `dir`. */
export async function writeFitDir(dir: string, record: FitRecord, train: Dataset): Promise<string[]> {
  const density = densityOf(record.params);
  const rng = new Rng(record.options.seed + 1);
  const written: string[] = [];
  const fig = join(dir, 'fit.png');
  if (train.kind === 'points') {
    const { means } = density.means();
    const show = train.points.subarray(0, Math.min(train.n, 2000) * 2);
    await writeDensityPlot(fig, show, (p, n) => density.logPdfBatch(p, n), { markers: record.distribution === 'gmm' ? Float32Array.from(means) : undefined });
  } else {
    const [h, w, c] = record.dataShape.shape;
    const per = h * w * c;
    const cols = 8;
    const real = train.pixels.subarray(0, 2 * cols * per);
    const samples = Float32Array.from(density.sample(rng, 2 * cols));
    const both = new Float32Array(4 * cols * per);
    both.set(real, 0);
    both.set(samples, 2 * cols * per);
    await writeImageGrid(fig, both, { shape: [4 * cols, h, w, c as 1 | 3], cols, scale: 2 });
    const { means } = density.means();
    const k = means.length / per;
    await writeImageGrid(join(dir, 'means.png'), Float32Array.from(means), { shape: [k, h, w, c as 1 | 3], cols: Math.min(k, 8), scale: 2 });
    written.push(join(dir, 'means.png'));
  }
  written.unshift(fig);
  // The record goes last: a directory with fit.json is a complete fit.
  await writeFileAtomic(join(dir, 'fit.json'), new TextEncoder().encode(JSON.stringify(record, null, 1) + '\n'));
  written.unshift(join(dir, 'fit.json'));
  return written;
}

/** Reads and checks DIR/fit.json. */
export async function loadFitDir(dir: string): Promise<FitRecord> {
  const path = join(dir, 'fit.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); is ${dir} a 'genlab fit' directory?`);
  }
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UserError(`${path}: not valid JSON`);
  }
  if (o === null || typeof o !== 'object' || o.kind !== 'fit') throw new UserError(`${path}: not a fit record (kind must be 'fit')`);
  if (o.distribution !== 'gaussian' && o.distribution !== 'gmm') throw new UserError(`${path}: 'distribution' must be gaussian or gmm`);
  const shape = o.dataShape as FitRecord['dataShape'] | undefined;
  if (!shape || (shape.kind !== 'images' && shape.kind !== 'points') || !Array.isArray(shape.shape) || shape.shape.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new UserError(`${path}: 'dataShape' must be {kind: images|points, shape: [..]}`);
  }
  const params = o.distribution === 'gaussian' ? parseGaussianParams(o.params, path) : parseGmmParams(o.params, path);
  const d = shape.shape.reduce((a, b) => a * b, 1);
  if (params.dim !== d) throw new UserError(`${path}: parameters have dimension ${params.dim} but dataShape [${shape.shape}] has ${d}`);
  return { ...(o as unknown as FitRecord), params, dataShape: shape };
}

export async function isFitDir(dir: string): Promise<boolean> {
  try {
    await access(join(dir, 'fit.json'));
    return true;
  } catch {
    return false;
  }
}

/**
 * `genlab sample DIR --n N --out FILE` for a fit directory: n samples of the fitted density,
 * written by the extension of `out`:
 *   .png/.jpg/.webp  images: a grid (values clipped to [0, 1]); points: a scatter plot
 *   .csv             one sample per line, header x0,x1,...
 *   .json            { "samples": [[...], ...] }
 */
export async function sampleFitDir(dir: string, n: number, seed: number, out: string): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--n must be a whole number >= 1, got ${n}`);
  const record = await loadFitDir(dir);
  const density = densityOf(record.params);
  const ext = extname(out).toLowerCase();
  if (!['.png', '.jpg', '.jpeg', '.webp', '.csv', '.json'].includes(ext)) {
    throw new UserError(`${out}: unsupported output extension; use .png, .jpg, .webp, .csv or .json`);
  }
  const x = density.sample(new Rng(seed), n);
  const d = density.dim;
  if (ext === '.csv') {
    const lines = [Array.from({ length: d }, (_, j) => `x${j}`).join(',')];
    for (let i = 0; i < n; i++) lines.push(Array.from(x.subarray(i * d, (i + 1) * d), (v) => String(Math.fround(v))).join(','));
    await writeFileAtomic(out, new TextEncoder().encode(lines.join('\n') + '\n'));
    return;
  }
  if (ext === '.json') {
    const rows = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d), (v) => Math.fround(v)));
    await writeFileAtomic(out, new TextEncoder().encode(JSON.stringify({ samples: rows }) + '\n'));
    return;
  }
  if (record.dataShape.kind === 'points') {
    await writeScatter(out, Float32Array.from(x));
    return;
  }
  const [h, w, c] = record.dataShape.shape;
  await writeImageGrid(out, Float32Array.from(x), { shape: [n, h, w, c as 1 | 3], scale: 2 });
}
