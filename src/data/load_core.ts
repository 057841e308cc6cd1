/**
 * loadSource for the core (browser-safe): the toy sources, which are sampled, not read. The
 * other sources read files (the mnist package, Debian's Fashion-MNIST, IDX files, image folders)
 * and are load.ts's (Node); in a page, build an ImageDataset from arrays (e.g. parseIdx and
 * idxToImages over fetched bytes). The option checks and `limit` are shared with load.ts.
 */
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { parseSpec, sourceName, type SourceSpec } from './spec.js';
import { sampleToy, type ToyName } from './toy.js';
import type { Dataset, LoadOptions, Split } from './types.js';

/** Default number of toy points per split. */
export const TOY_DEFAULT_N: Record<Split, number> = { train: 10_000, test: 2_000 };

function checkPositiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new UserError(`${name} must be a positive whole number, got ${v}`);
}

/** Parses `spec` and checks `opts` against it; returns the spec and the split to load. */
export function checkLoad(spec: string, opts: LoadOptions): { s: SourceSpec; split: Split } {
  const s = parseSpec(spec);
  if (s.split && opts.split && s.split !== opts.split) {
    throw new UserError(`data source '${spec}' names the ${s.split} split but split '${opts.split}' was asked for`);
  }
  const split: Split = opts.split ?? s.split ?? 'train';
  checkPositiveInt('size', opts.size);
  checkPositiveInt('n', opts.n);
  checkPositiveInt('limit', opts.limit);
  if (opts.channels !== undefined && opts.channels !== 1 && opts.channels !== 3) {
    throw new UserError(`channels must be 1 or 3, got ${opts.channels}`);
  }
  if (opts.seed !== undefined && !Number.isFinite(opts.seed)) throw new UserError(`seed must be a finite number, got ${opts.seed}`);
  if (s.type === 'mnist-m') {
    // mnist-m: size 28 or 32, a seed for its photo crops; no channels (always RGB), no n
    if (opts.size !== undefined && opts.size !== 28 && opts.size !== 32) throw new UserError(`size of '${spec}' must be 28 or 32, got ${opts.size}`);
    if (opts.channels !== undefined || opts.n !== undefined) throw new UserError(`channels and n do not apply to '${spec}' (RGB, one image per mnist digit)`);
    return { s, split };
  }
  if (s.type !== 'folder' && (opts.size !== undefined || opts.channels !== undefined)) {
    throw new UserError(`size and channels apply only to folder: and mnist-m sources, not '${spec}'`);
  }
  if (s.type !== 'toy' && (opts.n !== undefined || opts.seed !== undefined)) {
    throw new UserError(`n and seed apply only to toy: and mnist-m sources, not '${spec}'; use limit to take fewer samples`);
  }
  return { s, split };
}

/** The first `limit` samples (sharing memory with `ds`). */
export function take(ds: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined || limit >= ds.n) return ds;
  if (ds.kind === 'images') {
    const per = ds.height * ds.width * ds.channels;
    return { ...ds, n: limit, pixels: ds.pixels.subarray(0, limit * per), labels: ds.labels?.subarray(0, limit) };
  }
  return { ...ds, n: limit, points: ds.points.subarray(0, 2 * limit), labels: ds.labels?.subarray(0, limit) };
}

export function loadToy(s: SourceSpec, split: Split, opts: LoadOptions): Dataset {
  // train and test come from two different streams of the same seed
  const base = new Rng(opts.seed ?? 0);
  const trainRng = base.fork();
  const testRng = base.fork();
  const n = opts.n ?? TOY_DEFAULT_N[split];
  const t = sampleToy(s.arg as ToyName, n, split === 'train' ? trainRng : testRng);
  return take({ kind: 'points', source: sourceName(s), split, n, dim: 2, ...t }, opts.limit);
}

/**
 * Loads a toy source (the sources that read files need genlab/node).
 * @example
 *   const ring = await loadSource('toy:eight-gaussians', { n: 5000, seed: 1 });
 */
export async function loadSource(spec: string, opts: LoadOptions = {}): Promise<Dataset> {
  const { s, split } = checkLoad(spec, opts);
  if (s.type !== 'toy') throw new UserError(`data source '${spec}' reads files: load it with genlab/node, or pass the data as arrays (only toy: sources load everywhere)`);
  return loadToy(s, split, opts);
}
