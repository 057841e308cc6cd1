/**
 * Writes a model's samples: images as a grid picture; points [n, d] as a scatter PNG, or as
 * numbers when the path ends in .csv (header x0,x1,...) or .json ({"samples": [[...], ...]}).
 */
import * as tf from '@tensorflow/tfjs-core';
import { extname } from 'node:path';
import { writeImageGrid } from '../io/image_grid.js';
import { writeScatter } from '../io/scatter.js';
import { writeFileAtomic } from '../io/atomic.js';
import { UserError } from '../util/errors.js';

/** Points [n, d] as CSV or JSON, chosen by the extension of `out`. */
export async function writePointsFile(out: string, pts: Float32Array, d: number): Promise<void> {
  const n = pts.length / d;
  const rows = Array.from({ length: n }, (_, i) => Array.from(pts.subarray(i * d, (i + 1) * d)));
  if (out.toLowerCase().endsWith('.csv')) {
    const header = Array.from({ length: d }, (_, j) => `x${j}`).join(',');
    await writeFileAtomic(out, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
  } else {
    await writeFileAtomic(out, JSON.stringify({ samples: rows }) + '\n');
  }
}

export async function writeSamplesPicture(path: string, samples: tf.Tensor, opts: { reference?: Float32Array; markers?: Float32Array } = {}): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.json') {
    if (samples.rank !== 2) throw new UserError(`${path}: .csv and .json hold 2-D points; write images as .png or .webp`);
    await writePointsFile(path, (await samples.data()) as Float32Array, samples.shape[1]!);
    return;
  }
  if (samples.rank === 4) {
    await writeImageGrid(path, samples as tf.Tensor4D, { scale: samples.shape[1]! <= 32 ? 2 : 1 });
    return;
  }
  const pts = (await samples.data()) as Float32Array;
  if (opts.reference) {
    // Real points in grey beneath the samples (label 0 = data, 1 = model).
    const n = opts.reference.length / 2;
    const m = pts.length / 2;
    const all = new Float32Array(2 * (n + m));
    all.set(opts.reference, 0);
    all.set(pts, 2 * n);
    const labels = new Int32Array(n + m);
    labels.fill(1, n);
    await writeScatter(path, all, { labels, markers: opts.markers });
  } else {
    await writeScatter(path, pts, { markers: opts.markers });
  }
}
