/**
 * The CycleGAN family's configuration (Zhu, Park, Isola & Efros 2017), declared once
 * (src/config/schema.ts): type, defaults, validation and the `genlab train cyclegan` flags.
 * Defaults follow the authors' code (ResNet generator, PatchGAN, LSGAN, lambda 10, identity
 * 0.5, a 50-image pool, Adam 2e-4 / 0.5), sized for 28-32 px digits: 6 residual blocks (the
 * authors' choice below 256 px) and a 2-layer PatchGAN whose receptive field (34 px) covers a digit.
 */
import { int, nullable, num, object, oneOf, type Infer } from '../../config/schema.js';
import type { DataShape, OptimizerConfig, TrainingConfig } from '../../train/types.js';
import { UserError } from '../../util/errors.js';
import { CYCLEGAN_LOSSES } from './losses.js';

export const cycleganConfigSchema = object({
  /** lsgan (the authors' default), vanilla (cross-entropy, non-saturating) or wgan-gp. */
  loss: oneOf(CYCLEGAN_LOSSES, { default: 'lsgan', flag: 'loss', doc: 'adversarial loss: lsgan, vanilla (cross-entropy) or wgan-gp' }),
  /** Width of the generators' first convolution (ngf); the two downsamplings double it twice. */
  generatorChannels: int({ min: 1, default: 32, flag: 'g-channels', doc: "width of the generators' first convolution (x2 per downsampling)" }),
  /** Residual blocks at the bottleneck: 6 (the authors' for 128 px and below) or 9 (256 px). */
  resBlocks: int({ min: 0, default: 6, flag: 'res-blocks', doc: 'residual blocks of each generator (the paper: 6 below 256 px, 9 at 256)' }),
  /** Upsampling: transposed convolution (the paper) or nearest resize then convolution (Odena et al. 2016: no checkerboard). */
  upsample: oneOf(['transpose', 'resize'], { default: 'transpose', flag: 'upsample', doc: 'generator upsampling: transpose (the paper) or resize (nearest x2 then conv, against checkerboard artefacts)' }),
  /** Width of the discriminators' first convolution (ndf). */
  discriminatorChannels: int({ min: 1, default: 32, flag: 'd-channels', doc: "width of the discriminators' first convolution (x2 per stride-2 layer)" }),
  /**
   * Stride-2 convolutions of the PatchGAN (the authors' n_layers): 3 gives the 70 px patches of
   * 256 px images; on 28 px, 2 gives a 34 px receptive field over a 5x5 map, 1 a 16 px one (12x12).
   */
  discriminatorLayers: int({ min: 1, max: 5, default: 2, flag: 'd-layers', doc: 'PatchGAN depth: 2 sees 34 px patches (5x5 outputs on 28 px), 1 sees 16 px, 3 the paper 70 px' }),
  /** lambda: weight of the cycle-consistency L1 loss in each direction. */
  cycleWeight: num({ min: 0, default: 10, flag: 'cycle-weight', doc: 'lambda, weight of the cycle-consistency L1 loss (lambda_A; also lambda_B unless --cycle-weight-b)' }),
  /**
   * lambda_B, the weight of the B -> A -> B cycle when it differs from lambda_A (the authors'
   * --lambda_B); null = lambda_A. When A holds less than B (a digit without its photo), the
   * B cycle asks F(b) to hide B's background in the digit, and a smaller lambda_B eases that.
   */
  cycleWeightB: nullable(num({ min: 0 }), { default: null, flag: 'cycle-weight-b', doc: 'lambda_B, weight of the B -> A -> B cycle (default: --cycle-weight)' }),
  /** Weight of the identity loss as a fraction of lambda (the authors' lambda_identity). */
  identityWeight: num({ min: 0, default: 0.5, flag: 'identity-weight', doc: 'identity loss weight as a fraction of lambda (0 = off)' }),
  /** Generated images each discriminator's history pool keeps (Shrivastava et al. 2017); 0 = no pool. */
  poolSize: int({ min: 0, default: 50, flag: 'pool-size', doc: 'history of generated images per discriminator (0 = none)' }),
  /**
   * Width of B's style code z (0 = the plain CycleGAN). With z, G takes (a, z): a2b draws
   * z ~ N(0, I), and the B cycle reads z from an encoder E(b), G(F(b), E(b)) ~ b, so the photo
   * behind a digit can travel through z instead of being drawn into F(b) (Almahairi et al. 2018,
   * Augmented CycleGAN; the encoder, KL and latent regression as in BicycleGAN, Zhu et al. 2017).
   */
  styleDim: int({ min: 0, default: 0, flag: 'style-dim', doc: "width of domain B's style code z (0 = plain CycleGAN): G(a, z), z ~ N(0, I); the B cycle encodes z = E(b)" }),
  /** Weight of KL(q(z | b) || N(0, I)) per example (BicycleGAN's lambda_kl). */
  klWeight: num({ min: 0, default: 0.01, flag: 'kl-weight', doc: 'with --style-dim: weight of the KL of E(b) from N(0, I)' }),
  /** Weight of the latent regression mean |mu(E(G(a, z))) - z| (BicycleGAN's lambda_z). */
  latentWeight: num({ min: 0, default: 0.5, flag: 'latent-weight', doc: 'with --style-dim: weight of the latent regression |E(G(a, z)) - z|' }),
  /** WGAN-GP: weight of the gradient penalty. */
  gpWeight: num({ min: 0, default: 10, flag: 'gp-weight', doc: 'wgan-gp: weight of the gradient penalty' }),
});

export type CycleganConfig = Infer<typeof cycleganConfigSchema>;

export function defaultConfig(): CycleganConfig {
  return cycleganConfigSchema.defaults();
}

/** Adam(2e-4, beta1 0.5) for both groups, as in the paper (section 7.1). */
export function defaultOptimizers(): Record<string, OptimizerConfig> {
  const o: OptimizerConfig = { kind: 'adam', lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8 };
  return { generators: { ...o }, discriminators: { ...o } };
}

/**
 * The paper keeps the rate for 100 epochs and decays it linearly to 0 over the next 100: here
 * the first half of the run at the peak, then linear to 0 (holdFraction 0.5). Batch 16 rather than the paper's 1: 28 px images are cheap and instance norm is per sample.
 */
export function defaultTraining(): Partial<TrainingConfig> {
  return {
    steps: 5000,
    epochs: null,
    batch: 16,
    optimizers: defaultOptimizers(),
    schedule: { warmupSteps: 0, decay: 'linear', minRatio: 0, holdFraction: 0.5 },
    clipGradNorm: null,
    ema: null,
    logEvery: 50,
    sampleEvery: 500,
    checkpointEvery: 500,
  };
}

export function validateConfig(config: CycleganConfig, where = 'config'): void {
  cycleganConfigSchema.validate(config, where, 'modelConfig');
}

/** The two domains: A is the run's data, B its stream 'b'; same height and width, images. */
export function domainShapes(data: DataShape): { a: DataShape; b: DataShape } {
  const b = data.streams?.b;
  if (!b) throw new UserError("cyclegan needs a second domain: --data-b SOURCE (training.streams.b)");
  for (const [name, d] of [['A', data], ['B', b]] as const) {
    if (d.kind !== 'images') throw new UserError(`cyclegan: domain ${name} must be images, got 2-D points`);
  }
  if (data.shape[0] !== b.shape[0] || data.shape[1] !== b.shape[1]) {
    throw new UserError(`cyclegan: domains A (${data.shape[0]}x${data.shape[1]}) and B (${b.shape[0]}x${b.shape[1]}) must have the same size`);
  }
  if (data.shape[0] % 4 !== 0 || data.shape[1] % 4 !== 0) throw new UserError(`cyclegan: image size ${data.shape[0]}x${data.shape[1]} must be a multiple of 4 (two downsamplings)`);
  return { a: data, b };
}
