/**
 * The translation figure: images of one domain, their translations and their reconstructions,
 * as rows of a grid. Images go in groups of `cols`; each group gives three rows (input,
 * translation, reconstruction), so column j of a group shows x, G(x) and F(G(x)) of one image.
 * Pure: it returns the grid's images as an RGB batch (grey images repeated over three channels),
 * which io/image_grid.ts lays out.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageBatchLike } from '../../io/image_grid.js';
import { Rng } from '../../util/rng.js';
import type { CycleganModel, Direction } from './model.js';

/** [n, H, W, c] in [0, 1] as RGB values [n * H * W * 3]. */
function rgbValues(x: tf.Tensor): Float32Array {
  return tf.tidy(() => (x.shape[3] === 3 ? x : tf.tile(x, [1, 1, 1, 3])).dataSync() as Float32Array);
}

/**
 * The figure's cells for `images` [n, H, W, c] in [0, 1] of the source domain of `direction`; lay
 * out with `cols` columns. `rng` draws a2b's style codes when the model has them.
 */
export function translationFigure(model: CycleganModel, images: tf.Tensor, direction: Direction, cols = 8, rng: Rng = new Rng(0)): ImageBatchLike {
  const [n, h, w] = images.shape as [number, number, number, number];
  const { translation, reconstruction } = model.translate(images, direction, rng);
  const rows = [rgbValues(images), rgbValues(translation), rgbValues(reconstruction)];
  tf.dispose([translation, reconstruction]);
  const per = h * w * 3;
  const groups = Math.ceil(n / cols);
  const cells = groups * 3 * cols;
  const pixels = new Float32Array(cells * per).fill(0.5); // grey where a last group is short
  for (let i = 0; i < n; i++) {
    const group = Math.floor(i / cols);
    const j = i % cols;
    for (let r = 0; r < 3; r++) pixels.set(rows[r].subarray(i * per, (i + 1) * per), ((group * 3 + r) * cols + j) * per);
  }
  return { pixels, n: cells, height: h, width: w, channels: 3 };
}
