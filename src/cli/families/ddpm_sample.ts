/**
 * `genlab sample` on DDPM runs: a chosen sampler (ddpm_sampler_flags.ts) and an optional
 * denoising trajectory.
 */
import * as tf from '@tensorflow/tfjs-core';
import { writeGridAnimation, writeImageGrid } from '../../io/image_grid.js';
import { DdpmModel, type ClassGuidance } from '../../models/ddpm/model.js';
import { writeSamplesPicture } from '../../train/samples.js';
import type { TrainableModel } from '../../train/types.js';
import { ProgressLine } from '../../util/progress.js';
import { Rng } from '../../util/rng.js';
import { int, num, str, type ParsedArgs } from '../args.js';
import { UserError } from '../../util/errors.js';
import { checkOutFile } from '../out_path.js';
import { resolveSampler, samplerChoice, SAMPLER_OPTIONS, STEPS_ALIAS } from './ddpm_sampler_flags.js';
import type { SampleExtras } from './types.js';

/** --class N|all and --guidance W, as given (checked against the model once it is loaded). */
function classChoice(a: ParsedArgs): { cls: number | 'all' | null; guidance: number } {
  const text = str(a, 'class');
  const guidance = num(a, 'guidance', 0, 0)!;
  if (text === undefined) {
    if (str(a, 'guidance') !== undefined) throw new UserError('--guidance goes with --class N|all');
    return { cls: null, guidance };
  }
  if (text === 'all') return { cls: 'all', guidance };
  const c = Number(text);
  if (!Number.isInteger(c) || c < 0) throw new UserError(`--class must be a class id (0, 1, ...) or 'all', got '${text}'`);
  return { cls: c, guidance };
}

/** The labels of n samples: all of class c, or (--class all) ceil(n / K) of each class, one row per class. */
function classLabels(m: DdpmModel, choice: ReturnType<typeof classChoice>, n: number): { cond: ClassGuidance | undefined; n: number; cols?: number } {
  if (choice.cls === null) return { cond: m.numClasses > 0 ? { labels: Array.from({ length: n }, (_, i) => i % m.numClasses), guidance: 0 } : undefined, n };
  if (m.numClasses === 0) throw new UserError('--class: this run is not class-conditional (train it with --condition class)');
  if (choice.cls === 'all') {
    const cols = Math.ceil(n / m.numClasses);
    const labels = Array.from({ length: cols * m.numClasses }, (_, i) => Math.floor(i / cols));
    return { cond: { labels, guidance: choice.guidance }, n: labels.length, cols };
  }
  if (choice.cls >= m.numClasses) throw new UserError(`--class ${choice.cls}: this model has classes 0..${m.numClasses - 1}`);
  return { cond: { labels: new Array(n).fill(choice.cls), guidance: choice.guidance }, n };
}

/**
 * genlab sample RUN [--sampler ddpm|ddim|dpm++2m|unipc] [--sampling-steps 50] [--eta 0]
 *   [--class N|all --guidance W] [--trajectory FILE.png|.gif|.webp]:
 * the trajectory shows x_t of the first 8 samples at evenly spaced steps (a strip), or every
 * visited step as an animation. --class all writes one row per class.
 */
async function run(model: TrainableModel, a: ParsedArgs, opts: { n: number; seed: number; out: string }): Promise<void> {
  // The adapter of a 'ddpm' run: its model is a DdpmModel (a programming error otherwise).
  if (!(model instanceof DdpmModel)) throw new Error('ddpm sample: not a DDPM model');
  const m = model;
  const sampler = resolveSampler(m.config, samplerChoice(a, true));
  const classes = classLabels(m, classChoice(a), opts.n);
  opts = { ...opts, n: classes.n };
  const trajectory = str(a, 'trajectory');
  const frames = int(a, 'frames', 10, 2)!;
  const keep = Math.min(opts.n, 8);
  const snaps: Float32Array[] = [];
  const visited = m.sampleWithInfo(sampler);
  const every = Math.max(1, Math.floor(visited / (frames - 1)));
  let k = 0;
  const t0 = performance.now();
  const progress = new ProgressLine(`sampling ${opts.n} with ${sampler.kind}`, visited, 'steps');
  let x: tf.Tensor;
  try {
    x = m.sampleWith(
      opts.n,
      new Rng(opts.seed),
      sampler,
      (_t, xt) => {
        if (trajectory && (k % every === 0 || k === visited - 1)) snaps.push(tf.tidy(() => tf.clipByValue(tf.mul(tf.add(tf.slice(xt, 0, keep), 1), 0.5), 0, 1)).dataSync() as Float32Array);
        k++;
        progress.update(k);
      },
      undefined,
      classes.cond,
    );
  } finally {
    progress.end();
  }
  process.stderr.write(`sampled ${opts.n} with ${sampler.kind}${sampler.kind === 'ddim' ? ` (${sampler.steps} steps, eta ${sampler.eta})` : ` (${visited} steps)`} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  if (classes.cols) await writeImageGrid(opts.out, x as tf.Tensor4D, { cols: classes.cols, scale: 2 });
  else await writeSamplesPicture(opts.out, x);
  if (trajectory && m.data.kind === 'images') {
    const final = (await x.data()) as Float32Array;
    snaps.push(final.slice(0, keep * final.length / opts.n));
    const [h, w, c] = m.data.shape;
    if (/\.(gif|webp)$/i.test(trajectory)) {
      await writeGridAnimation(trajectory, snaps.map((s) => ({ pixels: s, n: keep, height: h, width: w, channels: c as 1 | 3 })), { cols: keep, scale: 3, delayMs: 120 });
    } else {
      // Rows: samples; columns: time from noise (left) to data (right).
      const rows = new Float32Array(keep * snaps.length * h * w * c);
      const per = h * w * c;
      for (let i = 0; i < keep; i++) for (let j = 0; j < snaps.length; j++) rows.set(snaps[j].subarray(i * per, (i + 1) * per), (i * snaps.length + j) * per);
      await writeImageGrid(trajectory, rows, { shape: [keep * snaps.length, h, w, c as 1 | 3], cols: snaps.length, scale: 2 });
    }
    process.stderr.write(`trajectory: ${trajectory}\n`);
  }
  x.dispose();
}


export const ddpmSample: SampleExtras = {
  options: { ...SAMPLER_OPTIONS, [STEPS_ALIAS]: { type: 'string' }, trajectory: { type: 'string' }, frames: { type: 'string' }, class: { type: 'string' }, guidance: { type: 'string' } },
  check(a) {
    checkOutFile(str(a, 'trajectory'), '--trajectory');
    classChoice(a);
  },
  run,
};
