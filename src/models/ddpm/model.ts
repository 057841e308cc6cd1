/**
 * The DDPM model: a denoising network (U-Net for images, MLP for 2-D points) trained with the
 * simple loss of Ho et al. (2020), Algorithm 1:
 *   t ~ U{0..T-1}, eps ~ N(0, I), x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps,
 *   loss = || target - net(x_t, t) ||^2, target = eps, x0 or v by `prediction`,
 * each example's term weighted by its timestep's loss weight (loss_weight.ts; 1 by default).
 * Class-conditional runs feed the label c to the network, replaced by "no class" with
 * probability labelDropout, and sample with classifier-free guidance (Ho & Salimans 2022):
 *   out = (1 + w) net(x_t, t, c) - w net(x_t, t, no class)
 * (for eps this is their eps~ = (1 + w) eps(x, c) - w eps(x); x0 and v are affine in the output
 * at fixed x_t, so combining outputs is the same guidance for every parameterisation).
 * Sampling (Algorithm 2, or DDIM) is delegated to the samplers; the network, the schedule and
 * the loop stay separate. The config is declared in config.ts; the family is family.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainableModel, DataShape, Batch, StepContext, StepMetrics } from '../../train/types.js';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { symmetricToUnit } from '../../math/scaling.js';
import { NoiseSchedule } from './noise_schedule.js';
import { qSample, predictionTarget } from './diffusion.js';
import { lossWeights, type LossWeightConfig } from './loss_weight.js';
import { UNet } from './unet.js';
import { MlpDenoiser } from './mlp_denoiser.js';
import { predictX0Eps, type Predictor } from './predict.js';
import { makeSampler, runSampler, type CorrectX0, type SamplerConfig, type SamplingOptions } from './sampling.js';
import type { DdpmConfig } from './config.js';

export type { DdpmConfig, DenoiserConfig } from './config.js';

export interface Denoiser {
  apply(x: tf.Tensor, t: number[], rng?: Rng | null): tf.Tensor;
}

/** Classes to sample and the guidance weight w (0: the conditional model alone). */
export interface ClassGuidance {
  labels: number[];
  guidance: number;
}

export class DdpmModel implements TrainableModel {
  readonly schedule: NoiseSchedule;
  readonly net: UNet | MlpDenoiser;
  /** Classes of a class-conditional model (0: unconditional); "no class" is id numClasses. */
  readonly numClasses: number;
  private readonly weighting: LossWeightConfig;
  constructor(readonly config: DdpmConfig, readonly data: DataShape, rng: Rng) {
    this.schedule = NoiseSchedule.fromConfig(config.schedule);
    this.weighting = { kind: config.lossWeight ?? 'none', gamma: config.snrGamma ?? 5 };
    this.numClasses = 0;
    if (config.condition === 'class') {
      if (!data.numClasses) throw new UserError('ddpm: condition "class" needs a labelled source (mnist, fashion-mnist, idx: with labels, folder: with sub-folders)');
      this.numClasses = data.numClasses;
    }
    const n = config.network;
    if (n.kind === 'unet') {
      if (data.kind !== 'images') throw new UserError('ddpm: the unet network needs image data; use network.kind "mlp" for points');
      this.net = new UNet(rng, n.unet, data.shape[0], this.numClasses);
    } else {
      this.net = new MlpDenoiser(rng, n.mlp);
    }
  }

  private denoise(x: tf.Tensor, t: number[], rng: Rng | null, labels: number[] | null = null): tf.Tensor {
    return this.net instanceof UNet ? this.net.apply(x, t, rng, labels) : this.net.apply(x, t);
  }

  namedVariables(): [string, tf.Variable][] {
    return this.net.namedVariables('net.');
  }
  paramGroups(): Record<string, tf.Variable[]> {
    return { model: this.net.parameters() };
  }
  emaGroups(): string[] {
    return ['model'];
  }
  setTraining(on: boolean): void {
    this.net.train(on);
  }

  trainStep(batch: Batch, ctx: StepContext): StepMetrics {
    const x0 = batch.x; // [B, H, W, C] in [-1, 1], or [B, 2]
    const b = x0.shape[0];
    const T = this.schedule.T;
    const t = Array.from({ length: b }, () => ctx.rng.int(T));
    const eps = tf.tensor(ctx.rng.normalArray(x0.size), x0.shape);
    const labels = this.numClasses > 0 ? this.trainingLabels(batch, ctx.rng) : null;
    const weights = this.weighting.kind === 'none' ? null : lossWeights(this.schedule, this.config.prediction, this.weighting, t);
    const r = ctx.optimize('model', () => {
      const xt = qSample(this.schedule, x0, t, eps);
      const target = predictionTarget(this.schedule, this.config.prediction, x0, eps, t);
      const out = this.denoise(xt, t, ctx.rng, labels);
      const sq = tf.square(tf.sub(out, target));
      if (!weights) return tf.mean(sq) as tf.Scalar;
      // loss = mean_b w_b mean_pixels (out - target)^2
      const perExample = tf.mean(tf.reshape(sq, [b, -1]), 1); // [B]
      return tf.mean(tf.mul(perExample, tf.tensor1d(weights))) as tf.Scalar;
    });
    eps.dispose();
    return { loss: r.loss, grad_norm: r.gradNorm };
  }

  /** The batch's labels, each replaced by "no class" with probability labelDropout (drawn from the step's rng). */
  private trainingLabels(batch: Batch, rng: Rng): number[] {
    if (!batch.y) throw new UserError('ddpm: a class-conditional run needs labels in its batches');
    const p = this.config.labelDropout ?? 0.1;
    return Array.from(batch.y.dataSync(), (c) => (rng.uniform() < p ? this.numClasses : c));
  }

  /**
   * The network with its parameterisation, for the samplers: (x_t, t) -> {x0, eps} (no dropout).
   * A class-conditional model samples the given classes with guidance weight w (see the header),
   * or "no class" without `cond`.
   */
  predictor(cond?: ClassGuidance): Predictor {
    const ts = (n: number, t: number) => new Array(n).fill(t);
    if (!cond || this.numClasses === 0) {
      if (cond) throw new UserError('ddpm: this model is not class-conditional (train it with --condition class)');
      return (xt, t) => tf.tidy(() => predictX0Eps(this.schedule, this.config, xt, this.denoise(xt, ts(xt.shape[0], t), null), t));
    }
    const { labels, guidance: w } = cond;
    for (const c of labels) if (!(Number.isInteger(c) && c >= 0 && c < this.numClasses)) throw new UserError(`--class ${c}: this model has classes 0..${this.numClasses - 1}`);
    return (xt, t) =>
      tf.tidy(() => {
        const n = xt.shape[0];
        if (labels.length !== n) throw new Error(`predictor: ${labels.length} labels for a batch of ${n}`);
        if (w === 0) return predictX0Eps(this.schedule, this.config, xt, this.denoise(xt, ts(n, t), null, labels), t);
        // One pass over [x; x] with [c; no class]: out = (1 + w) out_c - w out_u
        const both = this.denoise(tf.concat([xt, xt], 0), ts(2 * n, t), null, [...labels, ...new Array(n).fill(this.numClasses)]);
        const [outC, outU] = tf.split(both, 2, 0);
        const out = tf.sub(tf.mul(outC, 1 + w), tf.mul(outU, w));
        return predictX0Eps(this.schedule, this.config, xt, out, t);
      });
  }

  /**
   * Denoised samples with the given sampler; images mapped from [-1, 1] to [0, 1]. `correctX0`
   * (see sampling.ts) corrects the predicted x0 at every step, in the model's range [-1, 1].
   */
  sampleWith(n: number, rng: Rng, sampler: SamplerConfig, onStep?: SamplingOptions['onStep'], correctX0?: CorrectX0, cond?: ClassGuidance): tf.Tensor {
    const shape = this.data.kind === 'images' ? [n, ...this.data.shape] : [n, this.data.shape[0]];
    const predict = this.predictor(cond); // checks the labels before any work
    const noise = tf.tensor(rng.normalArray(shape.reduce((a, c) => a * c, 1)), shape);
    const s = makeSampler(this.schedule, this.config, sampler);
    const x = runSampler(s, predict, noise, rng, { onStep, correctX0 });
    noise.dispose();
    if (this.data.kind !== 'images') return x;
    return tf.tidy(() => {
      const out = symmetricToUnit(x);
      x.dispose();
      return out;
    });
  }

  /** Number of network evaluations the sampler makes. */
  sampleWithInfo(sampler: SamplerConfig): number {
    return makeSampler(this.schedule, this.config, sampler).timesteps.length;
  }

  /** Guidance weight w of sample() on a class-conditional model (genlab eval --guidance W); 0: unguided. */
  sampleGuidance = 0;

  /** The classes sample(n) draws: 0, 1, ..., K-1, 0, 1, ... (null when unconditional). */
  sampleLabels(n: number): number[] | null {
    return this.numClasses > 0 ? Array.from({ length: n }, (_, i) => i % this.numClasses) : null;
  }

  /** The run's default samples; a class-conditional model cycles through its classes (sampleLabels) with weight sampleGuidance. */
  sample(n: number, rng: Rng): tf.Tensor {
    const labels = this.sampleLabels(n);
    return this.sampleWith(n, rng, this.config.sampler, undefined, undefined, labels ? { labels, guidance: this.sampleGuidance } : undefined);
  }

  dispose(): void {
    this.net.dispose();
  }
}
