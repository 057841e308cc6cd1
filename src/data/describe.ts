/** describeDataset: counts, shape, classes and value statistics as a JSON-serialisable record. */
import type { Dataset, DatasetInfo } from './types.js';

/** min, max, mean and std (population, 1/N) of every `stride`-th value starting at `offset`. */
function stats(a: Float32Array, stride = 1, offset = 0): { min: number; max: number; mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let i = offset; i < a.length; i += stride) {
    const v = a[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSq += v * v;
    count++;
  }
  const mean = count ? sum / count : 0;
  // Var[x] = E[x^2] - E[x]^2  (accumulated in float64)
  const variance = count ? Math.max(0, sumSq / count - mean * mean) : 0;
  return { min: count ? min : 0, max: count ? max : 0, mean, std: Math.sqrt(variance) };
}

export function describeDataset(ds: Dataset): DatasetInfo {
  const info: DatasetInfo = {
    source: ds.source,
    split: ds.split,
    kind: ds.kind,
    n: ds.n,
    shape: ds.kind === 'images' ? [ds.height, ds.width, ds.channels] : [2],
    valueRange: [0, 0],
    mean: [],
    std: [],
  };
  if (ds.labels) {
    let m = ds.kind === 'images' ? (ds.classNames?.length ?? 0) : 0;
    for (const l of ds.labels) if (l + 1 > m) m = l + 1;
    const counts = new Array<number>(m).fill(0);
    for (const l of ds.labels) counts[l]++;
    const names = ds.kind === 'images' ? ds.classNames : undefined;
    info.classes = counts.map((count, index) => (names ? { index, name: names[index], count } : { index, count }));
  }
  if (ds.kind === 'images') {
    const s = stats(ds.pixels);
    info.valueRange = [s.min, s.max];
    info.mean = [s.mean];
    info.std = [s.std];
  } else {
    const sx = stats(ds.points, 2, 0);
    const sy = stats(ds.points, 2, 1);
    info.valueRange = [Math.min(sx.min, sy.min), Math.max(sx.max, sy.max)];
    info.mean = [sx.mean, sy.mean];
    info.std = [sx.std, sy.std];
    if (ds.modes && ds.modeStd !== undefined) {
      const centres: [number, number][] = [];
      for (let k = 0; k < ds.modes.length / 2; k++) centres.push([ds.modes[2 * k], ds.modes[2 * k + 1]]);
      info.modes = { count: centres.length, std: ds.modeStd, centres };
    }
  }
  return info;
}
