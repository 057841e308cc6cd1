/**
 * Dataset records shared by every source. Pixels and points are plain typed arrays so a
 * dataset can be loaded, described and plotted without a tensor backend; the Batcher turns
 * them into tensors.
 */
import type { RngState } from '../util/rng.js';

export type Split = 'train' | 'test';

export interface ImageDataset {
  kind: 'images';
  /** The canonical source name, without split: 'mnist', 'fashion-mnist', 'idx:<file>', 'folder:<dir>'. */
  source: string;
  split: Split;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** [n, h, w, c] in [0, 1], NHWC. Shared by the in-process cache: treat as read-only. */
  pixels: Float32Array;
  /** One class index per sample, in 0..classNames.length-1 when classNames is set. */
  labels?: Int32Array;
  classNames?: string[];
}

export interface PointDataset {
  kind: 'points';
  /** 'toy:<name>' */
  source: string;
  split: Split;
  n: number;
  dim: 2;
  /** [n, 2] */
  points: Float32Array;
  /** Mixture component or class of each point, when the distribution has one. */
  labels?: Int32Array;
  /** [m, 2] mode centres of a Gaussian mixture, for counting covered modes. */
  modes?: Float32Array;
  /** Standard deviation of each mixture component (isotropic). */
  modeStd?: number;
}

export type Dataset = ImageDataset | PointDataset;

export interface LoadOptions {
  /** Overrides a split suffix in the spec; default 'train'. */
  split?: Split;
  /** folder: resize every image to size x size (centre crop to square first); mnist-m: 28 (default) or 32. */
  size?: number;
  /** folder: 1 = greyscale, 3 = RGB; default: 1 if every image is greyscale, else 3. */
  channels?: 1 | 3;
  /** toy: number of points; default 10,000 (train) or 2,000 (test). */
  n?: number;
  /** toy: seed of the sampler; mnist-m: of its photos and crops; default 0. Train and test draw from different streams. */
  seed?: number;
  /** Keep only the first `limit` samples of the split. */
  limit?: number;
}

/** JSON-serialisable summary of a dataset, as printed by `genlab data info --json`. */
export interface DatasetInfo {
  source: string;
  split: Split;
  kind: 'images' | 'points';
  n: number;
  /** Shape of one sample: [h, w, c] for images, [2] for points. */
  shape: number[];
  /** Per-class counts when labels exist; `name` when class names are known. */
  classes?: { index: number; name?: string; count: number }[];
  /** Smallest and largest value over all samples. */
  valueRange: [number, number];
  /** Mean and standard deviation over all values (images) or per coordinate (points). */
  mean: number[];
  std: number[];
  /** Points: number of mixture modes and their std, when known. */
  modes?: { count: number; std: number; centres: [number, number][] };
}

/** Where a Batcher is in its stream; JSON-serialisable, for checkpoints. */
export interface BatcherState {
  epoch: number;
  index: number;
  rng: RngState;
}
