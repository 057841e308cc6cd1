/**
 * Image grids: n images [n, h, w, c] laid out in rows of `cols`, separated and framed by
 * `pad` pixels, each value mapped from `range` to 0..255:
 *
 *   byte = round(255 * clip((v - lo) / (hi - lo), 0, 1))
 *
 * Images are upscaled by pixel repetition (`scale`), so every pixel stays a sharp square.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../util/errors.js';
import { toRgb, writeAnimation, writeRaster, type AnimationOptions, type RasterImage } from './png.js';

export { readImage, writeAnimation, type RasterImage, type AnimationOptions } from './png.js';

export interface GridOptions {
  /** Images per row; default ceil(sqrt(n)). */
  cols?: number;
  /** Pixels between and around images (after scaling); default 2. */
  pad?: number;
  /** Value range mapped to 0..255; values outside are clipped; default [0, 1]. */
  range?: [number, number];
  /** Integer upscaling factor; default 1. */
  scale?: number;
  /** Value of the padding, in the same units as the pixels; default the middle of `range` (grey). */
  padValue?: number;
}

export interface GridImage extends RasterImage {
  channels: 1 | 3;
}

/** A batch of images as plain data: what ImageDataset provides. */
export interface ImageBatchLike {
  pixels: Float32Array;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
}

export type GridInput = Float32Array | tf.Tensor | ImageBatchLike;

export function imageGrid(pixels: Float32Array, n: number, h: number, w: number, c: 1 | 3, opts: GridOptions = {}): GridImage {
  if (pixels.length < n * h * w * c) throw new Error(`imageGrid: ${pixels.length} values, need ${n}x${h}x${w}x${c}`);
  if (n < 1) throw new Error('imageGrid: no images');
  const cols = Math.max(1, Math.min(n, opts.cols ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / cols);
  const pad = opts.pad ?? 2;
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new UserError(`grid scale must be a positive whole number, got ${scale}`);
  if (!Number.isInteger(pad) || pad < 0) throw new UserError(`grid pad must be a whole number >= 0, got ${pad}`);
  const [lo, hi] = opts.range ?? [0, 1];
  if (!(hi > lo)) throw new UserError(`grid range [${lo}, ${hi}] is empty`);
  const toByte = (v: number): number => {
    const t = (v - lo) / (hi - lo);
    return t > 0 ? (t < 1 ? Math.round(255 * t) : 255) : 0; // NaN -> 0
  };
  const sh = h * scale;
  const sw = w * scale;
  const width = cols * sw + (cols + 1) * pad;
  const height = rows * sh + (rows + 1) * pad;
  const data = new Uint8Array(width * height * c).fill(toByte(opts.padValue ?? (lo + hi) / 2));
  for (let k = 0; k < n; k++) {
    const x0 = pad + (k % cols) * (sw + pad);
    const y0 = pad + Math.floor(k / cols) * (sh + pad);
    const base = k * h * w * c;
    for (let y = 0; y < sh; y++) {
      const srcRow = base + Math.floor(y / scale) * w * c;
      let dst = ((y0 + y) * width + x0) * c;
      for (let x = 0; x < sw; x++) {
        const src = srcRow + Math.floor(x / scale) * c;
        for (let ch = 0; ch < c; ch++) data[dst++] = toByte(pixels[src + ch]);
      }
    }
  }
  return { data, width, height, channels: c };
}

async function toBatch(input: GridInput, shape?: [number, number, number, number]): Promise<ImageBatchLike> {
  if (input instanceof Float32Array) {
    if (!shape) throw new Error('writeImageGrid: a Float32Array needs opts.shape = [n, h, w, c]');
    const [n, height, width, channels] = shape;
    if (channels !== 1 && channels !== 3) throw new Error(`writeImageGrid: ${channels} channels; expected 1 or 3`);
    return { pixels: input, n, height, width, channels };
  }
  if ('pixels' in input) return input;
  if (input.rank !== 4) throw new Error(`writeImageGrid: tensor of shape [${input.shape}]; expected [n, h, w, c]`);
  const [n, height, width, channels] = input.shape;
  if (channels !== 1 && channels !== 3) throw new Error(`writeImageGrid: ${channels} channels; expected 1 or 3`);
  const data = await input.data();
  return { pixels: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), n, height, width, channels };
}

export interface WriteGridOptions extends GridOptions {
  /** Rows of the grid: with `cols`, at most rows * cols images are shown; alone, cols = ceil(n / rows). */
  rows?: number;
  /** Shape [n, h, w, c] of a Float32Array input. */
  shape?: [number, number, number, number];
}

/** Grid options resolved against a batch: how many images to show and in how many columns. */
function layout(b: ImageBatchLike, opts: WriteGridOptions): { n: number; cols?: number } {
  if (opts.rows === undefined) return { n: b.n, cols: opts.cols };
  const cols = opts.cols ?? Math.ceil(b.n / opts.rows);
  return { n: Math.min(b.n, opts.rows * cols), cols };
}

/** Renders a grid without writing it (for animations). Tensors are read, not disposed. */
export async function renderImageGrid(input: GridInput, opts: WriteGridOptions = {}): Promise<GridImage> {
  const b = await toBatch(input, opts.shape);
  const { n, cols } = layout(b, opts);
  return imageGrid(b.pixels, n, b.height, b.width, b.channels, { ...opts, cols });
}

/**
 * Writes a grid of images as PNG (or .jpg/.webp by extension) via sharp, atomically, creating
 * the parent directory. Tensors are read, not disposed.
 */
export async function writeImageGrid(path: string, input: GridInput, opts: WriteGridOptions = {}): Promise<void> {
  await writeRaster(path, await renderImageGrid(input, opts));
}

/** Writes a sequence of grids (e.g. a diffusion trajectory) as an animated GIF or WebP. */
export async function writeGridAnimation(path: string, frames: GridInput[], opts: WriteGridOptions & AnimationOptions = {}): Promise<void> {
  const rendered: RasterImage[] = [];
  for (const f of frames) rendered.push(toRgb(await renderImageGrid(f, opts)));
  await writeAnimation(path, rendered, opts);
}
