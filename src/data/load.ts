/**
 * loadSource: one entry point for every data source, named by a spec string (see spec.ts), in
 * Node (load_core.ts has the browser-safe toy sources and the option checks).
 * Decoded mnist, mnist-m and fashion-mnist splits are cached in memory for the life of the process
 * (gunzipping Fashion-MNIST takes a while); nothing is written to disk. Returned datasets may
 * share their arrays with the cache: treat them as read-only.
 */
import { sourceName } from './spec.js';
import { checkLoad, loadToy, take } from './load_core.js';
import { loadMnistSplits } from './mnist_package.js';
import { loadFashionMnist } from './fashion_mnist.js';
import { idxToImages } from './idx.js';
import { readIdx } from './idx_file.js';
import { loadFolder } from './folder.js';
import { blendMnistM, type MnistMSize } from './mnist_m.js';
import { loadMnistMPhotos } from './mnist_m_photos.js';
import { Rng } from '../util/rng.js';
import type { Dataset, ImageDataset, LoadOptions } from './types.js';

export { TOY_DEFAULT_N } from './load_core.js';

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

/**
 * Loads a data source.
 * @example
 *   const ds = await loadSource('fashion-mnist:test');      // 10,000 images [28, 28, 1]
 *   const ring = await loadSource('toy:eight-gaussians', { n: 5000, seed: 1 });
 */
export async function loadSource(spec: string, opts: LoadOptions = {}): Promise<Dataset> {
  const { s, split } = checkLoad(spec, opts);
  switch (s.type) {
    case 'mnist': {
      const both = await cached('mnist', loadMnistSplits);
      return take(both[split], opts.limit);
    }
    case 'fashion-mnist': {
      const ds = await cached(`fashion-mnist:${split}`, () => loadFashionMnist(split));
      return take(ds, opts.limit);
    }
    case 'mnist-m': {
      // Each split blends from its own fork of the seed, so train and test never share crops.
      const seed = opts.seed ?? 0;
      const size = (opts.size ?? 28) as MnistMSize;
      const ds = await cached(`mnist-m:${split}:${seed}:${size}`, async () => {
        const [both, photos] = await Promise.all([cached('mnist', loadMnistSplits), loadMnistMPhotos()]);
        const base = new Rng(seed);
        const forks = { train: base.fork(), test: base.fork() };
        return blendMnistM(both[split], photos, forks[split], size);
      });
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
    case 'toy':
      return loadToy(s, split, opts);
  }
}
