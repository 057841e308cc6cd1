/**
 * The DDPM family's configuration, declared once (src/config/schema.ts): the type of DdpmConfig,
 * its defaults per data kind, its validation (every key, nested ones included) and the flags of
 * `genlab train ddpm`. The parts the network and sampler code take on their own (UNetConfig,
 * MlpDenoiserConfig, BetaScheduleConfig, SamplerConfig) stay declared beside that code; the
 * declaration below is pinned to each of them, so the two cannot drift apart.
 */
import { bool, int, intList, num, object, oneOf, optional, union, type Infer, type Same } from '../../config/schema.js';
import type { DataShape, TrainingConfig } from '../../train/types.js';
import type { BetaScheduleConfig } from './schedules.js';
import type { Prediction } from './diffusion.js';
import type { VarianceKind } from './ddpm_sampler.js';
import type { SamplerConfig } from './sampling.js';
import type { MlpDenoiserConfig } from './mlp_denoiser.js';
import { defaultUNetConfig, type UNetConfig } from './unet.js';

/** What the defaults depend on: the data (images get a U-Net and DDIM-50, 2-D points an MLP and DDPM). */
export interface DdpmDefaultsContext {
  data: DataShape;
}

const images = (c: DdpmDefaultsContext) => c.data.kind === 'images';

export const unetConfigSchema = object({
  channels: int({ min: 1 }),
  baseChannels: int({ min: 1, flag: 'base-channels', doc: 'U-Net: base width; level i has base x channel-mult[i] channels' }),
  channelMult: intList({ flag: 'channel-mult', doc: 'U-Net: width multiplier of each level (one level per entry)' }),
  blocksPerLevel: int({ min: 1 }),
  attentionResolutions: intList({ allowEmpty: true }),
  dropout: num({ min: 0, lt: 1, flag: 'dropout', doc: 'U-Net: dropout in the residual blocks' }),
  groups: int({ min: 1 }),
});

export const mlpDenoiserConfigSchema = object({
  dim: int({ min: 1 }),
  hidden: int({ min: 1 }),
  layers: int({ min: 1 }),
  timeEmbedding: int({ min: 1 }),
});

export const betaScheduleConfigSchema = object({
  /**
   * Images: cosine (Nichol & Dhariwal), with v prediction the study's winner on mnist (README,
   * "Diffusion recipe study": FID 145 at 1,000 steps against 1,042 for Ho et al.'s linear + eps);
   * 2-D points keep Ho et al.'s linear betas.
   */
  kind: oneOf(['linear', 'cosine', 'sigmoid'], { default: (c: DdpmDefaultsContext) => (images(c) ? 'cosine' : 'linear'), flag: 'schedule', doc: 'beta schedule of the forward process' }),
  /** Number of diffusion steps T (Ho et al.: 1000; 100 is enough for 2-D points). */
  steps: int({ min: 2, default: (c: DdpmDefaultsContext) => (images(c) ? 1000 : 100), flag: 'diffusion-steps', doc: 'number of diffusion steps T' }),
  betaStart: optional(num({ gt: 0, lt: 1, default: (c: DdpmDefaultsContext) => (images(c) ? 1e-4 : 1e-3) })),
  betaEnd: optional(num({ gt: 0, lt: 1, default: (c: DdpmDefaultsContext) => (images(c) ? 0.02 : 0.2) })),
  cosineS: optional(num({ min: 0 })),
  sigmoidStart: optional(num()),
  sigmoidEnd: optional(num()),
  sigmoidTau: optional(num({ gt: 0 })),
});

/** The sampler of periodic grids, `genlab sample` and `genlab eval`; their --sampler, --sampling-steps and --eta are these fields' flags. */
export const samplerConfigSchema = object({
  kind: oneOf(['ddpm', 'ddim', 'dpm++2m', 'unipc'], { default: (c: DdpmDefaultsContext) => (images(c) ? 'ddim' : 'ddpm'), flag: 'sampler', doc: "sampler of the run's grids and, unless they name one, of genlab sample and eval: ddpm (ancestral, all T steps), ddim, dpm++2m (DPM-Solver++ 2M) or unipc (UniPC-bh2)" }),
  /** DDIM and the ODE solvers: number of visited timesteps (DDPM always visits all T). */
  steps: int({ min: 1, default: (c: DdpmDefaultsContext) => (images(c) ? 50 : 100), flag: 'sampling-steps', doc: 'ddim, dpm++2m, unipc: network evaluations (visited timesteps; ddpm visits all T)' }),
  /** DDIM: 0 deterministic, 1 as stochastic as DDPM. */
  eta: num({ min: 0, default: (c: DdpmDefaultsContext) => (images(c) ? 0 : 1), flag: 'eta', doc: 'ddim: noise of each step, 0 deterministic, 1 as stochastic as ddpm' }),
  spacing: oneOf(['leading', 'trailing', 'linspace'], { default: (c: DdpmDefaultsContext) => (images(c) ? 'trailing' : 'leading'), flag: 'spacing', doc: 'visited timesteps: leading (0, k, 2k...), trailing (ending at T-1) or linspace (T-1 down to 0)' }),
});

export const ddpmConfigSchema = object(
  {
    network: union(
      'kind',
      { unet: { unet: unetConfigSchema }, mlp: { mlp: mlpDenoiserConfigSchema } },
      {
        default: (c: DdpmDefaultsContext) =>
          images(c) ? { kind: 'unet', unet: defaultUNetConfig(c.data.shape[2]) } : { kind: 'mlp', mlp: { dim: c.data.shape[0], hidden: 128, layers: 3, timeEmbedding: 32 } },
      },
    ),
    /** Forward process: Ho et al. use linear betas 1e-4..0.02 over T = 1000. */
    schedule: betaScheduleConfigSchema,
    /** What the network predicts (eps as in Ho et al.; x0; v as in Salimans & Ho 2022): v for images (see schedule.kind), eps for points. */
    prediction: oneOf(['eps', 'x0', 'v'], { default: (c: DdpmDefaultsContext) => (images(c) ? 'v' : 'eps'), flag: 'prediction', doc: 'what the network predicts: eps (Ho et al.), x0, or v (Salimans & Ho)' }),
    /** Reverse-process variance of the ancestral sampler: beta_t (fixed_large) or beta_tilde_t (fixed_small). */
    variance: oneOf(['beta', 'beta_tilde'], { default: 'beta_tilde' }),
    /** Clip predicted x0 to the data range [-1, 1] while sampling images. */
    clipX0: bool({ default: images }),
    /** Default sampler for periodic grids and `genlab sample`. */
    sampler: samplerConfigSchema,
    /**
     * Per-timestep loss weights (loss_weight.ts): none (Ho et al.'s simple loss) or Min-SNR-gamma
     * (Hang et al. 2023). Optional: runs saved before it existed train with 'none'.
     */
    lossWeight: optional(oneOf(['none', 'min-snr'], { default: 'none', flag: 'loss-weight', doc: 'per-timestep loss weights: none (the simple loss) or min-snr (Min-SNR-gamma)' })),
    snrGamma: optional(num({ gt: 0, default: 5, flag: 'min-snr-gamma', doc: "min-snr's gamma: the SNR above which timesteps stop gaining weight" })),
    /** Class-conditional on the source's labels (U-Net only), for classifier-free guidance at sampling. */
    condition: optional(oneOf(['none', 'class'], { default: 'none', flag: 'condition', doc: "none, or class: condition on the source's labels (for --class and --guidance at sampling)" })),
    /** Share of training labels replaced by "no class", so one network also learns the unconditional model. */
    labelDropout: optional(num({ min: 0, lt: 1, default: 0.1, flag: 'label-dropout', doc: 'class-conditional runs: share of labels dropped to "no class" in training' })),
  },
  {
    refine(c) {
      if (c.sampler.kind !== 'ddpm' && c.sampler.steps > c.schedule.steps) {
        return { key: 'sampler.steps', must: `must be at most schedule.steps = ${c.schedule.steps} with the ${c.sampler.kind} sampler` };
      }
      if (c.condition === 'class' && c.network.kind !== 'unet') return { key: 'condition', must: 'must be none for the mlp network (class conditioning is built into the U-Net)' };
      if (c.network.kind === 'unet') {
        const u = c.network.unet;
        const widths = u.channelMult.map((m) => m * u.baseChannels);
        if (widths.some((w) => w % u.groups !== 0)) return { key: 'network.unet.groups', must: `must divide every level width (${widths.join(', ')})` };
      }
      return null;
    },
  },
);

export type DdpmConfig = Infer<typeof ddpmConfigSchema>;
export type DenoiserConfig = DdpmConfig['network'];

// The declaration and the code's own types are the same types (a compile error otherwise).
const pinned: [
  Same<Infer<typeof unetConfigSchema>, UNetConfig>,
  Same<Infer<typeof mlpDenoiserConfigSchema>, MlpDenoiserConfig>,
  Same<Infer<typeof betaScheduleConfigSchema>, BetaScheduleConfig>,
  Same<Infer<typeof samplerConfigSchema>, SamplerConfig>,
  Same<DdpmConfig['prediction'], Prediction>,
  Same<DdpmConfig['variance'], VarianceKind>,
] = [true, true, true, true, true, true];
void pinned;

export function defaultConfig(data: DataShape): DdpmConfig {
  return ddpmConfigSchema.defaults({ data });
}

/** Training defaults: Adam with warm-up, gradient clipping at 1 and an EMA of the weights, as DDPM implementations do. */
export function defaultTraining(data: DataShape): Partial<TrainingConfig> {
  return images({ data })
    ? { steps: 6000, batch: 64, optimizers: { model: { kind: 'adam', lr: 5e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }, schedule: { warmupSteps: 200, decay: 'constant', minRatio: 0 }, clipGradNorm: 1, ema: { decay: 0.995 }, sampleEvery: 500, checkpointEvery: 500 }
    : { steps: 3000, batch: 256, optimizers: { model: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }, schedule: { warmupSteps: 100, decay: 'constant', minRatio: 0 }, clipGradNorm: 1, ema: { decay: 0.99 }, sampleEvery: 500, checkpointEvery: 1000 };
}
