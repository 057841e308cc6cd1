/**
 * The GAN family's configuration: one declaration (src/config/schema.ts) gives the typed,
 * JSON-serialisable record, its defaults (each loss with its paper's critic settings), its
 * validation and the fields' flags; the optimisers per loss are below.
 */
import { UserError } from '../../util/errors.js';
import type { DataShape, OptimizerConfig, TrainingConfig } from '../../train/types.js';
import { int, intList, num, object, oneOf, optional, type Infer } from '../../config/schema.js';
import { GAN_LOSSES, type GanLoss } from './losses.js';

/** Per-loss settings from the papers: critic steps, and (for images) the optimiser. */
export function lossDefaults(loss: GanLoss): { criticSteps: number; discriminatorNorm: 'batch' | 'none' } {
  if (loss === 'wgan') return { criticSteps: 5, discriminatorNorm: 'batch' }; // Arjovsky et al.: n_critic = 5, DCGAN critic
  if (loss === 'wgan-gp') return { criticSteps: 5, discriminatorNorm: 'none' }; // Gulrajani et al.: n_critic = 5, no BN in the critic
  return { criticSteps: 1, discriminatorNorm: 'batch' };
}

/** What the defaults depend on: the loss (its paper's settings) and the data. */
export interface GanDefaultsContext {
  loss: GanLoss;
  data: DataShape;
}

const points = (c: GanDefaultsContext) => c.data.kind === 'points';

export const ganConfigSchema = object(
  {
    /** minimax | ns (non-saturating) | lsgan | wgan (weight clipping) | wgan-gp (gradient penalty). */
    loss: oneOf(GAN_LOSSES, { default: (c: GanDefaultsContext) => c.loss, flag: 'loss', doc: "the loss; a new one brings its paper's optimiser, critic steps and discriminator norm" }),
    /**
     * Dimension of the latent z ~ N(0, I). 2-D toys: a 2-D latent and small nets learn the ring of
     * eight in seconds (measured: 7/8 modes after 2,500 ns steps); wider nets and latents were
     * slower to spread over the modes.
     */
    nz: int({ min: 1, default: (c: GanDefaultsContext) => (points(c) ? 2 : 64), flag: 'nz', doc: 'dimension of the latent z ~ N(0, I)' }),
    /** 'mlp' for 2-D points; 'dcgan' (strided convolutions) for images. */
    arch: oneOf(['mlp', 'dcgan'], { default: (c: GanDefaultsContext) => (points(c) ? 'mlp' : 'dcgan'), flag: 'arch', doc: 'networks: mlp for 2-D points, dcgan (strided convolutions) for images' }),
    /** MLP: hidden widths of both networks (G uses ReLU, D LeakyReLU 0.2). */
    hidden: intList({ default: [64, 64, 64], flag: 'hidden', doc: 'MLP: hidden widths of both networks' }),
    /** DCGAN: width of G's last and D's first convolution; each stage doubles it going inward. */
    channels: int({ min: 1, default: 32, flag: 'channels', doc: "DCGAN: width of G's last and D's first convolution (doubling inward)" }),
    /**
     * Initial weights: torch (PyTorch's layer defaults, U(-1/sqrt(fan_in), 1/sqrt(fan_in))) or dcgan
     * (Radford et al.: weights N(0, 0.02), biases 0, batch-norm scales N(1, 0.02); dcgan_init.ts),
     * the DCGAN default. Optional: runs saved before it existed used torch.
     */
    init: optional(oneOf(['torch', 'dcgan'], { default: (c: GanDefaultsContext) => (c.data.kind === 'images' ? 'dcgan' : 'torch'), flag: 'init', doc: "initial weights: torch (the layers' defaults) or dcgan (Radford et al.: N(0, 0.02) weights, zero biases, N(1, 0.02) batch-norm scales)" })),
    /** Discriminator (critic) steps per generator step; each training step is one D step. */
    criticSteps: int({ min: 1, default: (c: GanDefaultsContext) => lossDefaults(c.loss).criticSteps, flag: 'critic-steps', doc: 'discriminator (critic) steps per generator step; a training step is one D step' }),
    /** WGAN: every critic weight is clipped to [-clip, clip] after each critic step. */
    clip: num({ gt: 0, default: 0.01, flag: 'clip-weights', arg: 'C', doc: 'wgan: every critic weight is clipped to [-C, C] after each critic step' }),
    /**
     * WGAN-GP: lambda, the weight of the gradient penalty. Gulrajani et al. use lambda = 10 for
     * images and a smaller one in their own 2-D toy code. Measured on toy:eight-gaussians, 5,000
     * critic steps, seeds 0/1/2: lambda 10 covered 7/8 modes with only 41% of samples within 3 std
     * of a mode; lambda 1 covered 8/8 with 80/84/67%; lambda 0.1 8/8 with 73/76/61%.
     */
    gpWeight: num({ min: 0, default: (c: GanDefaultsContext) => (points(c) ? 1 : 10), flag: 'gp-weight', doc: 'wgan-gp: lambda, the weight of the gradient penalty' }),
    /** Batch norm in the DCGAN discriminator ('none' for WGAN-GP: the penalty is per sample). */
    discriminatorNorm: oneOf(['batch', 'none'], { default: (c: GanDefaultsContext) => lossDefaults(c.loss).discriminatorNorm, flag: 'd-norm', doc: 'batch norm in the DCGAN discriminator (none for wgan-gp)' }),
  },
  {
    refine: (c) =>
      c.loss === 'wgan-gp' && c.discriminatorNorm === 'batch'
        ? { key: 'discriminatorNorm', must: "must be 'none' with wgan-gp: batch norm mixes samples, and the penalty is on each sample's own gradient" }
        : null,
  },
);

export type GanConfig = Infer<typeof ganConfigSchema>;

export function defaultConfig(loss: GanLoss, data: DataShape): GanConfig {
  return ganConfigSchema.defaults({ loss, data });
}

/**
 * Optimisers per loss. Images follow the papers: Adam(2e-4, beta1 0.5) for minimax, ns and LSGAN
 * (DCGAN; Mao et al.), RMSprop(5e-5) for WGAN, Adam(1e-4, 0, 0.9) for WGAN-GP. The 2-D toys use
 * the same optimisers at larger rates, so that a playground run takes seconds rather than hours.
 */
export function defaultOptimizers(loss: GanLoss, data: DataShape): Record<string, OptimizerConfig> {
  const toy = data.kind === 'points';
  let o: OptimizerConfig;
  if (loss === 'wgan') o = { kind: 'rmsprop', lr: toy ? 5e-4 : 5e-5 };
  else if (loss === 'wgan-gp') o = { kind: 'adam', lr: toy ? 3e-3 : 1e-4, beta1: toy ? 0.5 : 0, beta2: 0.9 };
  else o = { kind: 'adam', lr: toy ? 1e-3 : 2e-4, beta1: 0.5, beta2: 0.999 };
  return { generator: { ...o }, discriminator: { ...o } };
}

export function defaultTraining(loss: GanLoss, data: DataShape): Partial<TrainingConfig> {
  const toy = data.kind === 'points';
  const per = lossDefaults(loss);
  return {
    // Steps count discriminator updates: n_critic = 5 losses get 5x the steps for the same generator updates.
    steps: toy ? (per.criticSteps > 1 ? 5000 : 2500) : 3000 * per.criticSteps,
    epochs: null,
    batch: toy ? 256 : 64,
    optimizers: defaultOptimizers(loss, data),
    schedule: { warmupSteps: 0, decay: 'constant', minRatio: 0 },
    clipGradNorm: null, // none of the papers clip gradients; WGAN clips weights instead
    ema: { decay: toy ? 0.99 : 0.999 },
    logEvery: toy ? 20 : 50,
    sampleEvery: toy ? 250 : 500 * per.criticSteps,
    checkpointEvery: toy ? 1000 : 500 * per.criticSteps,
  };
}

/** Throws a one-line UserError `${where}: modelConfig.KEY must be ..., got ...` naming the first bad key. */
export function validateConfig(config: GanConfig, where = 'config'): void {
  ganConfigSchema.validate(config, where, 'modelConfig');
}

/** Checks that a config fits its data (called by create). */
export function checkDataFit(config: GanConfig, data: DataShape): void {
  if (data.kind === 'points' && config.arch !== 'mlp') throw new UserError('--arch dcgan needs image data; use --arch mlp for 2-D points');
  if (data.kind === 'images' && config.arch !== 'dcgan') throw new UserError('--arch mlp is for 2-D points; use --arch dcgan for images');
}
