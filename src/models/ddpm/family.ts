/**
 * The DDPM model family: a denoising network (U-Net for images, MLP for 2-D points) trained
 * with the simple loss of Ho et al. (2020), Algorithm 1:
 *   t ~ U{0..T-1}, eps ~ N(0, I), x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps,
 *   loss = || target - net(x_t, t) ||^2, target = eps, x0 or v by `prediction`.
 * Sampling (Algorithm 2, or DDIM) is delegated to the samplers; the network, the schedule and
 * the loop stay separate.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelFamily, TrainableModel, DataShape, Batch, StepContext, StepMetrics } from '../../train/types.js';
import type { ParsedArgs } from '../../cli/args.js';
import { str, int, num, choice } from '../../cli/args.js';
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { BetaScheduleConfig, BetaScheduleKind } from './schedules.js';
import { NoiseSchedule } from './noise_schedule.js';
import { qSample, predictionTarget, type Prediction } from './diffusion.js';
import { UNet, defaultUNetConfig, type UNetConfig } from './unet.js';
import { MlpDenoiser, type MlpDenoiserConfig } from './mlp_denoiser.js';
import type { VarianceKind } from './ddpm_sampler.js';
import { makeSampler, runSampler, type SamplerConfig } from './sampling.js';
import { sampleOptions, runSample, likelihood } from './cli.js';

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

  /** Denoised samples with the given sampler; images mapped from [-1, 1] to [0, 1]. */
  sampleWith(n: number, rng: Rng, sampler: SamplerConfig, onStep?: (t: number, x: tf.Tensor, x0: tf.Tensor) => void): tf.Tensor {
    const shape = this.data.kind === 'images' ? [n, ...this.data.shape] : [n, this.data.shape[0]];
    const noise = tf.tensor(rng.normalArray(shape.reduce((a, c) => a * c, 1)), shape);
    const s = makeSampler(this.schedule, this.config, sampler);
    const x = runSampler(s, (xt, t) => this.denoise(xt, new Array(n).fill(t), null), noise, rng, onStep);
    noise.dispose();
    if (this.data.kind !== 'images') return x;
    return tf.tidy(() => {
      const out = tf.clipByValue(tf.mul(tf.add(x, 1), 0.5), 0, 1);
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

function defaultsFor(data: DataShape): DdpmConfig {
  const images = data.kind === 'images';
  return {
    network: images
      ? { kind: 'unet', unet: defaultUNetConfig(data.shape[2]) }
      : { kind: 'mlp', mlp: { dim: data.shape[0], hidden: 128, layers: 3, timeEmbedding: 32 } },
    schedule: images ? { kind: 'linear', steps: 1000, betaStart: 1e-4, betaEnd: 0.02 } : { kind: 'linear', steps: 100, betaStart: 1e-3, betaEnd: 0.2 },
    prediction: 'eps',
    variance: 'beta_tilde',
    clipX0: images,
    sampler: images ? { kind: 'ddim', steps: 50, eta: 0, spacing: 'trailing' } : { kind: 'ddpm', steps: 100, eta: 1, spacing: 'leading' },
  };
}

const KNOWN_KEYS: (keyof DdpmConfig)[] = ['network', 'schedule', 'prediction', 'variance', 'clipX0', 'sampler'];

export const ddpmFamily: ModelFamily<DdpmConfig> = {
  name: 'ddpm',
  summary: 'denoising diffusion (Ho et al. 2020) with DDPM and DDIM samplers',
  defaults(data) {
    const images = data.kind === 'images';
    return {
      model: defaultsFor(data),
      training: images
        ? { steps: 6000, batch: 64, optimizers: { model: { kind: 'adam', lr: 5e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }, schedule: { warmupSteps: 200, decay: 'constant', minRatio: 1 }, clipGradNorm: 1, ema: { decay: 0.995 }, sampleEvery: 500, checkpointEvery: 500 }
        : { steps: 3000, batch: 256, optimizers: { model: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }, schedule: { warmupSteps: 100, decay: 'constant', minRatio: 1 }, clipGradNorm: 1, ema: { decay: 0.99 }, sampleEvery: 500, checkpointEvery: 1000 },
    };
  },
  validate(c) {
    const where = 'ddpm config';
    for (const k of Object.keys(c)) if (!(KNOWN_KEYS as string[]).includes(k)) throw new UserError(`${where}: unknown key '${k}' (known: ${KNOWN_KEYS.join(', ')})`);
    if (!['linear', 'cosine', 'sigmoid'].includes(c.schedule.kind)) throw new UserError(`${where}: schedule.kind must be linear|cosine|sigmoid, got '${c.schedule.kind}'`);
    if (!Number.isInteger(c.schedule.steps) || c.schedule.steps < 2) throw new UserError(`${where}: schedule.steps must be an integer >= 2, got ${c.schedule.steps}`);
    if (!['eps', 'x0', 'v'].includes(c.prediction)) throw new UserError(`${where}: prediction must be eps|x0|v, got '${c.prediction}'`);
    if (!['beta', 'beta_tilde'].includes(c.variance)) throw new UserError(`${where}: variance must be beta|beta_tilde, got '${c.variance}'`);
    if (!['ddpm', 'ddim'].includes(c.sampler.kind)) throw new UserError(`${where}: sampler.kind must be ddpm|ddim, got '${c.sampler.kind}'`);
    if (!(c.sampler.eta >= 0) || !Number.isFinite(c.sampler.eta)) throw new UserError(`${where}: sampler.eta must be a number >= 0, got ${c.sampler.eta}`);
    if (c.sampler.kind === 'ddim' && (!Number.isInteger(c.sampler.steps) || c.sampler.steps < 1 || c.sampler.steps > c.schedule.steps)) {
      throw new UserError(`${where}: sampler.steps must be an integer in 1..${c.schedule.steps}, got ${c.sampler.steps}`);
    }
    if (c.network.kind === 'unet') {
      const u = c.network.unet;
      const widths = u.channelMult.map((m) => m * u.baseChannels);
      if (!(u.baseChannels > 0) || widths.some((w) => !Number.isInteger(w) || w % u.groups !== 0)) {
        throw new UserError(`${where}: every level width (${widths.join(', ')}) must be a positive multiple of groups = ${u.groups}`);
      }
      if (!(u.dropout >= 0 && u.dropout < 1)) throw new UserError(`${where}: network.unet.dropout must be in [0, 1), got ${u.dropout}`);
    } else if (!(c.network.mlp.hidden > 0 && c.network.mlp.layers > 0)) {
      throw new UserError(`${where}: network.mlp.hidden and layers must be positive`);
    }
  },
  create(config, data, rng) {
    return new DdpmModel(config, data, rng);
  },
  cliOptions: {
    schedule: { type: 'string' },
    prediction: { type: 'string' },
    'diffusion-steps': { type: 'string' },
    'base-channels': { type: 'string' },
    'channel-mult': { type: 'string' },
    dropout: { type: 'string' },
    sampler: { type: 'string' },
    'sampling-steps': { type: 'string' },
    eta: { type: 'string' },
  },
  fromArgs(a: ParsedArgs, c: DdpmConfig): DdpmConfig {
    const out: DdpmConfig = JSON.parse(JSON.stringify(c));
    out.schedule.kind = choice<BetaScheduleKind>(a, 'schedule', ['linear', 'cosine', 'sigmoid'], out.schedule.kind);
    out.schedule.steps = int(a, 'diffusion-steps', out.schedule.steps, 2)!;
    out.prediction = choice<Prediction>(a, 'prediction', ['eps', 'x0', 'v'], out.prediction);
    out.sampler.kind = choice(a, 'sampler', ['ddpm', 'ddim'] as const, out.sampler.kind);
    out.sampler.steps = int(a, 'sampling-steps', out.sampler.steps, 1)!;
    out.sampler.eta = num(a, 'eta', out.sampler.eta, 0)!;
    if (out.network.kind === 'unet') {
      out.network.unet.baseChannels = int(a, 'base-channels', out.network.unet.baseChannels, 1)!;
      out.network.unet.dropout = num(a, 'dropout', out.network.unet.dropout, 0)!;
      const mult = str(a, 'channel-mult');
      if (mult !== undefined) {
        const m = mult.split(',').map(Number);
        if (m.some((v) => !Number.isInteger(v) || v < 1)) throw new UserError(`--channel-mult must be comma-separated positive integers, got '${mult}'`);
        out.network.unet.channelMult = m;
      }
    }
    return out;
  },
  dataOptions() {
    return { scaling: 'symmetric', binarize: 'none' };
  },
  sampleCli: {
    options: sampleOptions,
    run: (model, args, opts) => runSample(model, args, opts),
  },
  likelihoodMetrics: (model, dataset, opts) => likelihood(model, dataset, opts),
};
