/**
 * loadSource: one entry point for every data source, named by a spec string (see spec.ts).
 * Decoded mnist and fashion-mnist splits are cached in memory for the life of the process
 * (gunzipping Fashion-MNIST takes a while); nothing is written to disk. Returned datasets may
 * share their arrays with the cache: treat them as read-only.
 */
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { parseSpec, sourceName } from './spec.js';
import { loadMnistSplits } from './mnist.js';
import { loadFashionMnist } from './fashion_mnist.js';
import { idxToImages, readIdx } from './idx.js';
import { loadFolder } from './folder.js';
import { sampleToy, type ToyName } from './toy.js';
import type { Dataset, ImageDataset, LoadOptions, Split } from './types.js';

/** Default number of toy points per split. */
export const TOY_DEFAULT_N: Record<Split, number> = { train: 10_000, test: 2_000 };

const cache = new Map<string, Promise<unknown>>();

function cached<T>(key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = make();
    cache.set(key, p);
    p.catch(() => cache.delete(key)); // a failed load is retried next time
  }
  return p;
}

/** Drops the in-memory cache of decoded datasets. */
export function clearDataCache(): void {
  cache.clear();
}

function checkPositiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new UserError(`${name} must be a positive whole number, got ${v}`);
}

/** The first `limit` samples (sharing memory with `ds`). */
function take(ds: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined || limit >= ds.n) return ds;
  if (ds.kind === 'images') {
    const per = ds.height * ds.width * ds.channels;
    return { ...ds, n: limit, pixels: ds.pixels.subarray(0, limit * per), labels: ds.labels?.subarray(0, limit) };
  }
  return { ...ds, n: limit, points: ds.points.subarray(0, 2 * limit), labels: ds.labels?.subarray(0, limit) };
}

/**
 * Loads a data source.
 * @example
 *   const ds = await loadSource('fashion-mnist:test');      // 10,000 images [28, 28, 1]
 *   const ring = await loadSource('toy:eight-gaussians', { n: 5000, seed: 1 });
 */
export async function loadSource(spec: string, opts: LoadOptions = {}): Promise<Dataset> {
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
  if (s.type !== 'folder' && (opts.size !== undefined || opts.channels !== undefined)) {
    throw new UserError(`size and channels apply only to folder: sources, not '${spec}'`);
  }
  if (s.type !== 'toy' && (opts.n !== undefined || opts.seed !== undefined)) {
    throw new UserError(`n and seed apply only to toy: sources, not '${spec}'; use limit to take fewer samples`);
  }

  switch (s.type) {
    case 'mnist': {
      const both = await cached('mnist', loadMnistSplits);
      return take(both[split], opts.limit);
    }
    case 'fashion-mnist': {
      const ds = await cached(`fashion-mnist:${split}`, () => loadFashionMnist(split));
      return take(ds, opts.limit);
    }
    case 'idx': {
      const comma = s.arg.lastIndexOf(',');
      const imagesFile = comma < 0 ? s.arg : s.arg.slice(0, comma);
      const labelsFile = comma < 0 ? undefined : s.arg.slice(comma + 1);
      const [images, labels] = await Promise.all([readIdx(imagesFile), labelsFile ? readIdx(labelsFile) : undefined]);
      const im = idxToImages(images, imagesFile, labels, labelsFile);
      const ds: ImageDataset = { kind: 'images', source: sourceName(s), split, ...im };
      return take(ds, opts.limit);
    }
    case 'folder':
      return loadFolder(s.arg, split, { size: opts.size, channels: opts.channels, limit: opts.limit });
    case 'toy': {
      // train and test come from two different streams of the same seed
      const base = new Rng(opts.seed ?? 0);
      const trainRng = base.fork();
      const testRng = base.fork();
      const n = opts.n ?? TOY_DEFAULT_N[split];
      const t = sampleToy(s.arg as ToyName, n, split === 'train' ? trainRng : testRng);
      return take({ kind: 'points', source: sourceName(s), split, n, dim: 2, ...t }, opts.limit);
    }
  }
}
