/**
 * DDPM extras for the command line: `genlab sample` with a chosen sampler and an optional
 * denoising trajectory, and the variational bound for `genlab eval --metric nll`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OptionSpec, ParsedArgs } from '../../cli/args.js';
import { str, int, num, choice } from '../../cli/args.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { TrainableModel } from '../../train/types.js';
import type { Dataset } from '../../data/index.js';
import { writeImageGrid, writeGridAnimation } from '../../io/image_grid.js';
import { writeSamplesPicture } from '../../train/samples.js';
import { DdpmModel } from './model.js';
import type { SamplerConfig } from './sampling.js';
import { variationalBound, natsToBpd } from './nll.js';
import { unitToSymmetric } from '../../math/scaling.js';
import { ProgressLine } from '../../util/progress.js';

export const sampleOptions: OptionSpec = {
  sampler: { type: 'string' },
  steps: { type: 'string' },
  eta: { type: 'string' },
  trajectory: { type: 'string' },
  frames: { type: 'string' },
};

function asDdpm(model: TrainableModel): DdpmModel {
  if (!(model instanceof DdpmModel)) throw new Error('not a DDPM model');
  return model;
}

export function samplerFromArgs(model: DdpmModel, a: ParsedArgs): SamplerConfig {
  const base = model.config.sampler;
  const kind = choice(a, 'sampler', ['ddpm', 'ddim'] as const, base.kind);
  const T = model.schedule.T;
  const steps = int(a, 'steps', kind === 'ddim' ? (base.kind === 'ddim' ? base.steps : 50) : T, 1)!;
  if (kind === 'ddim' && steps > T) throw new UserError(`--steps must be at most T = ${T}, got ${steps}`);
  if (kind === 'ddpm' && str(a, 'steps') !== undefined && steps !== T) throw new UserError(`--steps: the DDPM sampler visits all T = ${T} steps; use --sampler ddim for fewer`);
  const eta = num(a, 'eta', kind === 'ddim' ? 0 : 1, 0)!;
  return { kind, steps: kind === 'ddpm' ? T : steps, eta, spacing: base.spacing };
}

/**
 * genlab sample RUN [--sampler ddpm|ddim] [--steps 50] [--eta 0] [--trajectory FILE.png|.gif|.webp]:
 * the trajectory shows x_t of the first 8 samples at evenly spaced steps (a strip), or every
 * visited step as an animation.
 */
export async function runSample(model: TrainableModel, a: ParsedArgs, opts: { n: number; seed: number; out: string }): Promise<void> {
  const m = asDdpm(model);
  const sampler = samplerFromArgs(m, a);
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
    x = m.sampleWith(opts.n, new Rng(opts.seed), sampler, (_t, xt) => {
      if (trajectory && (k % every === 0 || k === visited - 1)) snaps.push(tf.tidy(() => tf.clipByValue(tf.mul(tf.add(tf.slice(xt, 0, keep), 1), 0.5), 0, 1)).dataSync() as Float32Array);
      k++;
      progress.update(k);
    });
  } finally {
    progress.end();
  }
  process.stderr.write(`sampled ${opts.n} with ${sampler.kind}${sampler.kind === 'ddim' ? ` (${sampler.steps} steps, eta ${sampler.eta})` : ` (${visited} steps)`} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  await writeSamplesPicture(opts.out, x);
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

/** `genlab eval RUN --metric nll`: the bound in bits/dim on test images (stratified over timesteps). */
export async function likelihood(model: TrainableModel, dataset: Dataset, opts: { k: number; n?: number; rng: Rng; onProgress?: (done: number, total: number) => void }): Promise<Record<string, number>> {
  const m = asDdpm(model);
  if (dataset.kind !== 'images') throw new UserError('nll: the diffusion bound is defined here for images on 256 levels');
  const n = Math.min(opts.n ?? 1000, dataset.n);
  const [h, w, c] = [dataset.height, dataset.width, dataset.channels];
  const per = h * w * c;
  const batch = 50;
  let total = 0;
  let prior = 0;
  let decoder = 0;
  let diffusion = 0;
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const x = tf.tidy(() => unitToSymmetric(tf.tensor(dataset.pixels.subarray(i * per, (i + b) * per), [b, h, w, c]))); // [b, H, W, C] in [-1, 1]
    const r = variationalBound(m, x, { timesteps: opts.k, rng: opts.rng });
    x.dispose();
    for (let j = 0; j < b; j++) {
      total += r.totalNats[j];
      prior += r.prior[j];
      decoder += r.decoder[j];
      diffusion += r.diffusion[j];
    }
    opts.onProgress?.(Math.min(i + b, n), n);
  }
  const shape = [1, h, w, c];
  return {
    nll_bpd: natsToBpd(total / n, shape),
    nll_nats: total / n,
    prior_bpd: natsToBpd(prior / n, shape),
    diffusion_bpd: natsToBpd(diffusion / n, shape),
    decoder_bpd: natsToBpd(decoder / n, shape),
    timesteps: Math.min(opts.k, m.schedule.T - 1),
    n,
  };
}
