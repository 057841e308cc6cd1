/** Writes a model's samples as a picture: an image grid, or a scatter plot of 2-D points. */
import * as tf from '@tensorflow/tfjs-core';
import { writeImageGrid } from '../io/image_grid.js';
import { writeScatter } from '../io/scatter.js';

export async function writeSamplesPicture(path: string, samples: tf.Tensor, opts: { reference?: Float32Array; markers?: Float32Array } = {}): Promise<void> {
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
