/**
 * One restoration experiment in Node (what `genlab restore` runs): n test images (or one user
 * image), a task's operator and measurement, a method, and its outputs in DIR:
 *   grid-NNN.png   per batch, four rows: y (as a picture), A+ y, the restoration, the ground truth
 *   restored/NNNNN.png   every restoration, clipped to [0, 1]
 *   metrics.json   PSNR, SSIM (means and per image), consistency ||A x_hat - y||_2 (of the raw
 *                  x_hat, [0, 1] units), FID of the restored set against the test split and the
 *                  shipped classifier's accuracy on it (with the same two for the ground truth
 *                  images, the floor and ceiling at this n), seconds per image, the settings.
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { Rng } from '../util/rng.js';
import { UserError } from '../util/errors.js';
import { loadSource } from '../data/index.js';
import type { ImageDataset } from '../data/types.js';
import { loadRun } from '../train/load_run.js';
import { writeImageGrid, readImage } from '../io/image_grid.js';
import { fid } from '../eval/fid.js';
import { defaultFeatureNet, extract, loadFeatureNet } from '../eval/features.js';
import type { TrainableModel } from '../train/types.js';
import { DdpmModel } from '../models/ddpm/model.js';
import { GanModel } from '../models/gan/model.js';
import { VaeModel } from '../models/vae/model.js';
import type { ImageShape, LinearOperator } from './operators/operator.js';
import { measure, consistency } from './operators/operator.js';
import { InpaintOperator } from './operators/inpaint.js';
import { makeOperator, taskLabel, type TaskSpec } from './tasks.js';
import { METHOD_MODEL, restoreBatch, workPerBatch, type MethodSettings, type RestoreMethod } from './methods.js';
import { batchQuality } from './metrics.js';
import { effectiveLoss } from './dgp.js';

export interface RestoreJob {
  /** A run directory or pretrained:NAME; unused (may be absent) for 'pinv'. */
  model?: string;
  method: RestoreMethod;
  task: TaskSpec;
  /** Images to restore: a data source (test split unless named). */
  data: string;
  n: number;
  batch: number;
  seed: number;
  out: string;
  settings: MethodSettings;
  /** One user image instead of --data (and for inpainting, its mask: white = known). */
  input?: { image: string; mask?: string };
  /** Classifier for FID and accuracy; default the shipped one of the data source. */
  features?: string;
  /** Skip FID and accuracy (e.g. without a shipped classifier). */
  noFeatures?: boolean;
  onProgress?: (what: string, done: number, total: number) => void;
}

export interface RestoreSummary {
  task: string;
  taskSpec: unknown;
  method: RestoreMethod;
  model: string | null;
  data: string;
  n: number;
  psnr: number;
  ssim: number;
  /** Mean and max over images of ||A x_hat - y||_2, [0, 1] units. */
  consistency: number;
  consistencyMax: number;
  fid: number | null;
  accuracy: number | null;
  /** The same two for the ground-truth images (n of them) against the same reference. */
  fidTruth: number | null;
  accuracyTruth: number | null;
  /** PSNR / SSIM of A+ y, for reference. */
  psnrPinv: number;
  secondsPerImage: number;
  operator: Record<string, unknown>;
  settings: unknown;
  out: string;
}

interface Images {
  pixels: Float32Array; // [n, H, W, C] in [0, 1]
  labels: Int32Array | null;
  n: number;
  shape: ImageShape;
  source: string | null;
}

function channelsTo(pixels: Float32Array, n: number, hw: number, from: number, to: number): Float32Array {
  if (from === to) return pixels;
  const out = new Float32Array(n * hw * to);
  for (let k = 0; k < n * hw; k++) {
    if (to === 1) {
      let s = 0;
      for (let c = 0; c < from; c++) s += pixels[k * from + c];
      out[k] = s / from;
    } else for (let c = 0; c < to; c++) out[k * to + c] = pixels[k * from + Math.min(c, from - 1)];
  }
  return out;
}

async function readPicture(path: string, shape: ImageShape | null, role: string): Promise<{ pixels: Float32Array; shape: ImageShape }> {
  let img;
  try {
    img = await readImage(path);
  } catch (e) {
    throw new UserError(`${role} ${path}: cannot read the image (${(e as Error).message.split('\n')[0]})`);
  }
  const ch = img.channels === 2 || img.channels === 4 ? img.channels - 1 : img.channels; // drop alpha
  const raw = new Float32Array(img.width * img.height * ch);
  for (let k = 0; k < img.width * img.height; k++) for (let c = 0; c < ch; c++) raw[k * ch + c] = img.data[k * img.channels + c] / 255;
  if (shape && (img.height !== shape[0] || img.width !== shape[1])) throw new UserError(`${role} ${path}: ${img.width}x${img.height} pixels, the model takes ${shape[1]}x${shape[0]}`);
  const want = shape ? shape[2] : ch;
  return { pixels: channelsTo(raw, 1, img.width * img.height, ch, want), shape: [img.height, img.width, want] };
}

/** The n images to restore: the first n of a seeded permutation of the split (the same for every method at one seed). */
async function pickTestImages(spec: string, n: number, seed: number): Promise<Images> {
  const split = /:(train|test)$/.test(spec) ? undefined : 'test';
  const ds = await loadSource(spec, { split });
  if (ds.kind !== 'images') throw new UserError(`--data ${spec} holds 2-D points; restoration needs images`);
  if (n > ds.n) throw new UserError(`--n ${n}: ${spec} has ${ds.n} images`);
  const per = ds.height * ds.width * ds.channels;
  const idx = new Rng(seed).permutation(ds.n).subarray(0, n);
  const pixels = new Float32Array(n * per);
  const labels = ds.labels ? new Int32Array(n) : null;
  idx.forEach((i, k) => {
    pixels.set(ds.pixels.subarray(i * per, (i + 1) * per), k * per);
    if (labels && ds.labels) labels[k] = ds.labels[i];
  });
  return { pixels, labels, n, shape: [ds.height, ds.width, ds.channels], source: `${ds.source}:${ds.split}` };
}

/** y as a picture [B, H, W, C] in [0, 1]: image-shaped y as it is (inpainting: missing pixels grey), smaller ones enlarged, vectors as a normalised square. */
function measurementPicture(op: LinearOperator, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [h, w, c] = op.imageShape;
    const ms = op.measurementShape;
    if (op instanceof InpaintOperator) return tf.add(tf.mul(y, op.mask), tf.mul(tf.sub(1, op.mask), 0.5));
    if (ms.length === 3 && ms[0] === h && ms[1] === w) return ms[2] === c ? tf.clipByValue(y, 0, 1) : tf.tile(y, [1, 1, 1, c / ms[2]]);
    if (ms.length === 3) return tf.clipByValue(op.pinv(y), 0, 1); // pooled: enlarged by replication
    // a vector: a square of side ceil(sqrt(M)), min-max normalised per image, enlarged, on grey
    const m = ms[0];
    const side = Math.ceil(Math.sqrt(m));
    const b = y.shape[0];
    const lo = tf.min(y, 1, true);
    const hi = tf.max(y, 1, true);
    const norm = tf.div(tf.sub(y, lo), tf.maximum(tf.sub(hi, lo), 1e-6));
    const sq = tf.reshape(tf.pad(norm, [[0, 0], [0, side * side - m]], 0.5), [b, side, side, 1]);
    const f = Math.max(1, Math.floor(Math.min(h, w) / side));
    const big = tf.image.resizeNearestNeighbor(sq as tf.Tensor4D, [side * f, side * f]);
    const canvas = tf.pad(big, [[0, 0], [0, h - side * f], [0, w - side * f], [0, 0]], 0.5);
    return c === 1 ? canvas : tf.tile(canvas, [1, 1, 1, c]);
  });
}

async function loadPrior(job: RestoreJob, shape: ImageShape | null): Promise<TrainableModel | null> {
  const family = METHOD_MODEL[job.method];
  if (family === null) return null;
  if (!job.model) throw new UserError(`restore: --method ${job.method} needs a ${family} model (a run directory or pretrained:NAME)`);
  const run = await loadRun(job.model);
  const ok = family === 'ddpm' ? run.model instanceof DdpmModel : family === 'gan' ? run.model instanceof GanModel : run.model instanceof VaeModel;
  if (!ok) {
    run.model.dispose();
    throw new UserError(`restore: --method ${job.method} needs a ${family} run; ${job.model} is a '${run.config.model}' run`);
  }
  if (run.data.kind !== 'images' || (shape && run.data.shape.join('x') !== shape.join('x'))) {
    run.model.dispose();
    throw new UserError(`restore: ${job.model} takes ${run.data.shape.join('x')} images, the images to restore are ${shape?.join('x')}`);
  }
  if (run.model instanceof VaeModel && run.model.config.kind !== 'vae') {
    run.model.dispose();
    throw new UserError(`restore: --method vae needs a VAE run (the prior N(0, I)); ${job.model} is an autoencoder`);
  }
  return run.model;
}

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

export async function runRestore(job: RestoreJob): Promise<RestoreSummary> {
  const progress = job.onProgress ?? (() => undefined);
  // 1. the images
  const model = await loadPrior(job, null);
  let images: Images;
  let task = job.task;
  if (job.input) {
    const modelShape = model ? ((model as DdpmModel | GanModel | VaeModel).data.shape as ImageShape) : null;
    const pic = await readPicture(job.input.image, modelShape, '--input');
    images = { pixels: pic.pixels, labels: null, n: 1, shape: pic.shape, source: null };
    if (job.input.mask) {
      if (task.task !== 'inpaint') throw new UserError('restore: --mask applies to --task inpaint');
      const m = await readPicture(job.input.mask, [pic.shape[0], pic.shape[1], 1], '--mask');
      task = { ...task, mask: { kind: 'image', pixels: m.pixels, path: job.input.mask } };
    }
  } else {
    images = await pickTestImages(job.data, job.n, job.seed);
  }
  let op: LinearOperator;
  try {
    op = makeOperator(task, images.shape);
  } catch (e) {
    model?.dispose();
    throw new UserError(`restore: ${(e as Error).message}`);
  }
  try {
    if (model) {
      const shape = (model instanceof DdpmModel || model instanceof GanModel || model instanceof VaeModel) ? model.data.shape : [];
      if (shape.join('x') !== images.shape.join('x')) throw new UserError(`restore: ${job.model} takes ${shape.join('x')} images; the images to restore are ${images.shape.join('x')}`);
    }
    await mkdir(join(job.out, 'restored'), { recursive: true });
    const [h, w, c] = images.shape;
    const per = h * w * c;
    const n = images.n;
    const restored = new Float32Array(n * per); // clipped
    const pinvPixels = new Float32Array(n * per);
    const cons: number[] = [];
    const base = new Rng(job.seed);
    const measureRng = base.fork(); // the same measurements for every method at one seed
    const methodRng = base.fork();
    let seconds = 0;
    for (let start = 0, k = 0; start < n; start += job.batch, k++) {
      const b = Math.min(job.batch, n - start);
      const x = tf.tensor4d(images.pixels.subarray(start * per, (start + b) * per), [b, h, w, c]);
      const y = measure(op, x, task.sigmaY, measureRng);
      const t0 = performance.now();
      const xhat = restoreBatch({
        method: job.method, model, op, y, sigmaY: task.sigmaY, settings: job.settings, rng: methodRng,
        onProgress: (d, t) => progress(`batch ${k + 1}/${Math.ceil(n / job.batch)}`, d, t),
      });
      await xhat.data();
      seconds += (performance.now() - t0) / 1000;
      cons.push(...consistency(op, xhat, y));
      const [shown, apy, vis] = tf.tidy(() => [tf.clipByValue(xhat, 0, 1), tf.clipByValue(op.pinv(y), 0, 1), measurementPicture(op, y)]);
      restored.set(shown.dataSync(), start * per);
      pinvPixels.set(apy.dataSync(), start * per);
      const grid = new Float32Array(4 * b * per);
      grid.set(vis.dataSync(), 0);
      grid.set(apy.dataSync(), b * per);
      grid.set(shown.dataSync(), 2 * b * per);
      grid.set(images.pixels.subarray(start * per, (start + b) * per), 3 * b * per);
      await writeImageGrid(join(job.out, `grid-${String(k).padStart(3, '0')}.png`), grid, { shape: [4 * b, h, w, c], cols: b, scale: 2 });
      tf.dispose([x, y, xhat, shown, apy, vis]);
    }
    for (let i = 0; i < n; i++) {
      await writeImageGrid(join(job.out, 'restored', `${String(i).padStart(5, '0')}.png`), restored.subarray(i * per, (i + 1) * per), { shape: [1, h, w, c], pad: 0 });
    }
    // 2. metrics
    const q = batchQuality(restored, images.pixels, n, images.shape);
    const qp = batchQuality(pinvPixels, images.pixels, n, images.shape);
    let fidValue: number | null = null;
    let acc: number | null = null;
    let fidTruth: number | null = null;
    let accTruth: number | null = null;
    if (!job.noFeatures && images.source && n >= 2) {
      progress('features', 0, 1);
      const net = await loadFeatureNet(job.features ?? defaultFeatureNet(images.source));
      try {
        const refSet = await loadSource(images.source.replace(/:(train|test)$/, ''), { split: 'test' });
        if (refSet.kind !== 'images') throw new Error('reference is not images');
        const refPer = refSet.height * refSet.width * refSet.channels;
        const ref = extract(net, { kind: 'images', n: refSet.n, values: refSet.pixels.subarray(0, refSet.n * refPer), shape: images.shape });
        const got = extract(net, { kind: 'images', n, values: restored, shape: images.shape });
        const truth = extract(net, { kind: 'images', n, values: images.pixels, shape: images.shape });
        fidValue = fid(got.features, ref.features, n, refSet.n, got.dim);
        fidTruth = fid(truth.features, ref.features, n, refSet.n, got.dim);
        if (images.labels) {
          const argmax = (p: Float32Array, i: number) => {
            let best = 0;
            for (let j = 1; j < got.classes; j++) if (p[i * got.classes + j] > p[i * got.classes + best]) best = j;
            return best;
          };
          let right = 0;
          let rightTruth = 0;
          for (let i = 0; i < n; i++) {
            if (argmax(got.probs, i) === images.labels[i]) right++;
            if (argmax(truth.probs, i) === images.labels[i]) rightTruth++;
          }
          acc = right / n;
          accTruth = rightTruth / n;
        }
      } finally {
        net.model.dispose();
      }
    }
    const summary: RestoreSummary = {
      task: taskLabel(task),
      taskSpec: task.task === 'inpaint' && task.mask.kind === 'image' ? { ...task, mask: { kind: 'image', path: task.mask.path } } : task,
      method: job.method,
      model: model ? (job.model ?? null) : null,
      data: job.input ? job.input.image : (images.source ?? job.data),
      n,
      psnr: mean(q.psnr.map((v) => Math.min(v, 100))),
      ssim: mean(q.ssim),
      consistency: mean(cons),
      consistencyMax: Math.max(...cons),
      fid: fidValue,
      accuracy: acc,
      fidTruth,
      accuracyTruth: accTruth,
      psnrPinv: mean(qp.psnr.map((v) => Math.min(v, 100))),
      secondsPerImage: seconds / n,
      operator: op.describe(),
      settings: job.method === 'pinv' ? {} : job.method === 'dgp' ? { ...job.settings.dgp, loss: effectiveLoss(job.settings.dgp.loss, task.sigmaY) } : job.method === 'vae' ? job.settings.vae : { ddnm: job.settings.ddnm, ...(job.method === 'ddnm+' ? { travel: job.settings.ddnmPlusTravel } : {}) },
      out: job.out,
    };
    const perImage = { psnr: Array.from(q.psnr), ssim: Array.from(q.ssim), consistency: cons, labels: images.labels ? Array.from(images.labels) : null };
    await writeFile(join(job.out, 'metrics.json'), JSON.stringify({ ...summary, perImage }, null, 1) + '\n');
    return summary;
  } finally {
    op.dispose();
    model?.dispose();
  }
}
