/**
 * The GAN family's configuration: one typed, JSON-serialisable record, its defaults (each
 * loss with the optimiser its paper uses) and validation.
 */
import { UserError } from '../../util/errors.js';
import type { DataShape, OptimizerConfig, TrainingConfig } from '../../train/types.js';
import { GAN_LOSSES, type GanLoss } from './losses.js';

export interface GanConfig {
  /** minimax | ns (non-saturating) | lsgan | wgan (weight clipping) | wgan-gp (gradient penalty). */
  loss: GanLoss;
  /** Dimension of the latent z ~ N(0, I). */
  nz: number;
  /** 'mlp' for 2-D points; 'dcgan' (strided convolutions) for images. */
  arch: 'mlp' | 'dcgan';
  /** MLP: hidden widths of both networks (G uses ReLU, D LeakyReLU 0.2). */
  hidden: number[];
  /** DCGAN: width of G's last and D's first convolution; each stage doubles it going inward. */
  channels: number;
  /** Discriminator (critic) steps per generator step; each training step is one D step. */
  criticSteps: number;
  /** WGAN: every critic weight is clipped to [-clip, clip] after each critic step. */
  clip: number;
  /** WGAN-GP: lambda, the weight of the gradient penalty. */
  gpWeight: number;
  /** Batch norm in the DCGAN discriminator ('none' for WGAN-GP: the penalty is per sample). */
  discriminatorNorm: 'batch' | 'none';
}

const KEYS: (keyof GanConfig)[] = ['loss', 'nz', 'arch', 'hidden', 'channels', 'criticSteps', 'clip', 'gpWeight', 'discriminatorNorm'];

/** Per-loss settings from the papers: critic steps, and (for images) the optimiser. */
export function lossDefaults(loss: GanLoss): { criticSteps: number; discriminatorNorm: 'batch' | 'none' } {
  if (loss === 'wgan') return { criticSteps: 5, discriminatorNorm: 'batch' }; // Arjovsky et al.: n_critic = 5, DCGAN critic
  if (loss === 'wgan-gp') return { criticSteps: 5, discriminatorNorm: 'none' }; // Gulrajani et al.: n_critic = 5, no BN in the critic
  return { criticSteps: 1, discriminatorNorm: 'batch' };
}

export function defaultConfig(loss: GanLoss, data: DataShape): GanConfig {
  const per = lossDefaults(loss);
  return {
    loss,
    // 2-D toys: a 2-D latent and small nets learn the ring of eight in seconds (measured: 7/8
    // modes after 2,500 ns steps); wider nets and latents were slower to spread over the modes.
    nz: data.kind === 'points' ? 2 : 64,
    arch: data.kind === 'points' ? 'mlp' : 'dcgan',
    hidden: [64, 64, 64],
    channels: 32,
    criticSteps: per.criticSteps,
    clip: 0.01,
    // Gulrajani et al. use lambda = 10 for images and a smaller one in their own 2-D toy code.
    // Measured on toy:eight-gaussians, 5,000 critic steps, seeds 0/1/2: lambda 10 covered 7/8
    // modes with only 41% of samples within 3 std of a mode; lambda 1 covered 8/8 with
    // 80/84/67%; lambda 0.1 8/8 with 73/76/61%.
    gpWeight: data.kind === 'points' ? 1 : 10,
    discriminatorNorm: per.discriminatorNorm,
  };
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
    schedule: { warmupSteps: 0, decay: 'constant', minRatio: 1 },
    clipGradNorm: null, // none of the papers clip gradients; WGAN clips weights instead
    ema: { decay: toy ? 0.99 : 0.999 },
    logEvery: toy ? 20 : 50,
    sampleEvery: toy ? 250 : 500 * per.criticSteps,
    checkpointEvery: toy ? 1000 : 500 * per.criticSteps,
  };
}

function bad(key: string, what: string): never {
  throw new UserError(`model config: '${key}' ${what}`);
}

/** Throws UserError naming the first bad key. */
export function validateConfig(config: GanConfig): void {
  if (typeof config !== 'object' || config === null) throw new UserError('model config must be an object');
  const c = config as unknown as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!KEYS.includes(k as keyof GanConfig)) bad(k, 'is not a gan option');
  for (const k of KEYS) if (c[k] === undefined) bad(k, 'is missing');
  if (!GAN_LOSSES.includes(config.loss)) bad('loss', `must be one of ${GAN_LOSSES.join('|')}, got ${JSON.stringify(config.loss)}`);
  if (!['mlp', 'dcgan'].includes(config.arch)) bad('arch', `must be mlp or dcgan, got ${JSON.stringify(config.arch)}`);
  for (const k of ['nz', 'channels', 'criticSteps'] as const) {
    if (!Number.isInteger(config[k]) || config[k] < 1) bad(k, `must be a positive whole number, got ${JSON.stringify(config[k])}`);
  }
  if (!Array.isArray(config.hidden) || config.hidden.length === 0 || config.hidden.some((n) => !Number.isInteger(n) || n < 1)) {
    bad('hidden', `must be a non-empty list of positive whole numbers, got ${JSON.stringify(config.hidden)}`);
  }
  if (!(typeof config.clip === 'number' && config.clip > 0 && Number.isFinite(config.clip))) bad('clip', `must be a positive number, got ${JSON.stringify(config.clip)}`);
  if (!(typeof config.gpWeight === 'number' && config.gpWeight >= 0 && Number.isFinite(config.gpWeight))) bad('gpWeight', `must be a number >= 0, got ${JSON.stringify(config.gpWeight)}`);
  if (!['batch', 'none'].includes(config.discriminatorNorm)) bad('discriminatorNorm', `must be batch or none, got ${JSON.stringify(config.discriminatorNorm)}`);
  if (config.loss === 'wgan-gp' && config.discriminatorNorm === 'batch') {
    bad('discriminatorNorm', "must be 'none' with wgan-gp: batch norm mixes samples, and the penalty is on each sample's own gradient");
  }
}

/** Checks that a config fits its data (called by create). */
export function checkDataFit(config: GanConfig, data: DataShape): void {
  if (data.kind === 'points' && config.arch !== 'mlp') throw new UserError('--arch dcgan needs image data; use --arch mlp for 2-D points');
  if (data.kind === 'images' && config.arch !== 'dcgan') throw new UserError('--arch mlp is for 2-D points; use --arch dcgan for images');
}
