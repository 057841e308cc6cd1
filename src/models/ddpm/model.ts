/**
 * The DDPM model: a denoising network (U-Net for images, MLP for 2-D points) trained with the
 * simple loss of Ho et al. (2020), Algorithm 1:
 *   t ~ U{0..T-1}, eps ~ N(0, I), x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps,
 *   loss = || target - net(x_t, t) ||^2, target = eps, x0 or v by `prediction`.
 * Sampling (Algorithm 2, or DDIM) is delegated to the samplers; the network, the schedule and
 * the loop stay separate. The family (defaults, validation, flags) is in family.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainableModel, DataShape, Batch, StepContext, StepMetrics } from '../../train/types.js';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { symmetricToUnit } from '../../math/scaling.js';
import type { BetaScheduleConfig } from './schedules.js';
import { NoiseSchedule } from './noise_schedule.js';
import { qSample, predictionTarget, type Prediction } from './diffusion.js';
import { UNet, type UNetConfig } from './unet.js';
import { MlpDenoiser, type MlpDenoiserConfig } from './mlp_denoiser.js';
import type { VarianceKind } from './ddpm_sampler.js';
import { predictX0Eps, type Predictor } from './predict.js';
import { makeSampler, runSampler, type CorrectX0, type SamplerConfig, type SamplingOptions } from './sampling.js';

export type DenoiserConfig = { kind: 'unet'; unet: UNetConfig } | { kind: 'mlp'; mlp: MlpDenoiserConfig };

export interface DdpmConfig {
  network: DenoiserConfig;
  /** Forward process: Ho et al. use linear betas 1e-4..0.02 over T = 1000. */
  schedule: BetaScheduleConfig;
  /** What the network predicts (eps as in Ho et al.; x0; v as in Salimans & Ho 2022). */
  prediction: Prediction;
  /** Reverse-process variance of the ancestral sampler: beta_t (fixed_large) or beta_tilde_t (fixed_small). */
  variance: VarianceKind;
  /** Clip predicted x0 to the data range [-1, 1] while sampling images. */
  clipX0: boolean;
  /** Default sampler for periodic grids and `genlab sample`. */
  sampler: SamplerConfig;
}

export interface Denoiser {
  apply(x: tf.Tensor, t: number[], rng?: Rng | null): tf.Tensor;
}

export class DdpmModel implements TrainableModel {
  readonly schedule: NoiseSchedule;
  readonly net: UNet | MlpDenoiser;
  constructor(readonly config: DdpmConfig, readonly data: DataShape, rng: Rng) {
    this.schedule = NoiseSchedule.fromConfig(config.schedule);
    const n = config.network;
    if (n.kind === 'unet') {
      if (data.kind !== 'images') throw new UserError('ddpm: the unet network needs image data; use network.kind "mlp" for points');
      this.net = new UNet(rng, n.unet, data.shape[0]);
    } else {
      this.net = new MlpDenoiser(rng, n.mlp);
    }
  }

  private denoise(x: tf.Tensor, t: number[], rng: Rng | null): tf.Tensor {
    return this.net instanceof UNet ? this.net.apply(x, t, rng) : this.net.apply(x, t);
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
    const r = ctx.optimize('model', () => {
      const xt = qSample(this.schedule, x0, t, eps);
      const target = predictionTarget(this.schedule, this.config.prediction, x0, eps, t);
      const out = this.denoise(xt, t, ctx.rng);
      return tf.mean(tf.square(tf.sub(out, target))) as tf.Scalar;
    });
    eps.dispose();
    return { loss: r.loss, grad_norm: r.gradNorm };
  }

  /** The network with its parameterisation, for the samplers: (x_t, t) -> {x0, eps} (no dropout). */
  predictor(): Predictor {
    return (xt, t) => tf.tidy(() => predictX0Eps(this.schedule, this.config, xt, this.denoise(xt, new Array(xt.shape[0]).fill(t), null), t));
  }

  /**
   * Denoised samples with the given sampler; images mapped from [-1, 1] to [0, 1]. `correctX0`
   * (see sampling.ts) corrects the predicted x0 at every step, in the model's range [-1, 1].
   */
  sampleWith(n: number, rng: Rng, sampler: SamplerConfig, onStep?: SamplingOptions['onStep'], correctX0?: CorrectX0): tf.Tensor {
    const shape = this.data.kind === 'images' ? [n, ...this.data.shape] : [n, this.data.shape[0]];
    const noise = tf.tensor(rng.normalArray(shape.reduce((a, c) => a * c, 1)), shape);
    const s = makeSampler(this.schedule, this.config, sampler);
    const x = runSampler(s, this.predictor(), noise, rng, { onStep, correctX0 });
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

  sample(n: number, rng: Rng): tf.Tensor {
    return this.sampleWith(n, rng, this.config.sampler);
  }

  dispose(): void {
    this.net.dispose();
  }
}
