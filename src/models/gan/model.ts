/**
 * A GAN as a TrainableModel for the shared training loop. Parameter groups `generator` and
 * `discriminator`, each with its own optimiser; the EMA (when on) averages the generator, and
 * sampling uses it.
 *
 * One training step = one discriminator (critic) update on the step's real batch; every
 * `criticSteps`-th step also updates the generator (so with n_critic = 5 the critic sees five
 * fresh real batches per generator update, as in the WGAN papers' Algorithm 1).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Sequential } from '../../nn/index.js';
import type { Batch, DataShape, StepContext, StepMetrics, TrainableModel } from '../../train/types.js';
import type { Rng } from '../../util/rng.js';
import type { GanConfig } from './config.js';
import { checkDataFit } from './config.js';
import { buildDiscriminator, buildGenerator } from './networks.js';
import { dcganInit } from './dcgan_init.js';
import { discriminatorLoss, generatorLoss, isWasserstein, outputIsLogit } from './losses.js';
import { drawMixingWeights, gradientPenalty } from './gradient_penalty.js';
import { clipWeights } from './weight_clipping.js';
import { symmetricToUnit } from '../../math/scaling.js';

/** Samples are generated in chunks so a large n (e.g. 10,000 for FID) never holds all activations at once. */
const SAMPLE_CHUNK = 500;

export class GanModel implements TrainableModel {
  readonly generator: Sequential;
  readonly discriminator: Sequential;
  /** The generator's metrics from its last update, repeated on critic-only steps so every log line has them. */
  private lastGenerator: StepMetrics = {};
  /** Steps in a row on which D won outright (see trainStep); a warning is printed once it persists. */
  private dominated = 0;

  constructor(readonly config: GanConfig, readonly data: DataShape, rng: Rng) {
    checkDataFit(config, data);
    this.generator = buildGenerator(config, data, rng);
    this.discriminator = buildDiscriminator(config, data, rng);
    // Runs saved before the option existed have no init and used the layers' defaults.
    if (config.init === 'dcgan') dcganInit(this.namedVariables(), rng);
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.generator.namedVariables('generator.'), ...this.discriminator.namedVariables('discriminator.')];
  }

  paramGroups(): Record<string, tf.Variable[]> {
    return { generator: this.generator.parameters(), discriminator: this.discriminator.parameters() };
  }

  emaGroups(): string[] {
    return ['generator'];
  }

  /** The generator's batch-norm running statistics, averaged with its EMA weights (see TrainableModel). */
  emaBuffers(): tf.Variable[] {
    const params = new Set(this.generator.parameters());
    return this.generator.namedVariables().map(([, v]) => v).filter((v) => !params.has(v));
  }

  setTraining(on: boolean): void {
    this.generator.train(on);
    this.discriminator.train(on);
  }

  /** z ~ N(0, I): [n, nz], Box-Muller normals from a seeded stream. */
  latent(n: number, rng: Rng): tf.Tensor2D {
    return tf.tensor2d(rng.normalArray(n * this.config.nz), [n, this.config.nz]);
  }

  /**
   * The state outside tensors that a resume needs for the same metrics lines: the generator's
   * last metrics (repeated on critic-only steps) and the run of steps the discriminator has won.
   */
  hostState(): { lastGenerator: StepMetrics; dominated: number } {
    return { lastGenerator: { ...this.lastGenerator }, dominated: this.dominated };
  }
  restoreHostState(s: unknown): void {
    const h = s as { lastGenerator?: StepMetrics; dominated?: number };
    this.lastGenerator = { ...(h.lastGenerator ?? {}) };
    this.dominated = h.dominated ?? 0;
  }

  /** G(z): images in [-1, 1] [n, H, W, C] or points [n, 2]. */
  generate(z: tf.Tensor): tf.Tensor {
    return this.generator.apply(z);
  }

  /** D's raw output [n, 1]: a logit, or a critic value for WGANs. */
  discriminate(x: tf.Tensor): tf.Tensor {
    return this.discriminator.apply(x);
  }

  /** Converts generator output to the sample convention: images in [0, 1], points as they are. */
  toSamples(g: tf.Tensor): tf.Tensor {
    return this.data.kind === 'images' ? symmetricToUnit(g) : tf.clone(g);
  }

  sample(n: number, rng: Rng): tf.Tensor {
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < n; i += SAMPLE_CHUNK) {
      const z = this.latent(Math.min(SAMPLE_CHUNK, n - i), rng);
      parts.push(tf.tidy(() => this.toSamples(this.generate(z))));
      z.dispose();
    }
    if (parts.length === 1) return parts[0];
    const out = tf.concat(parts, 0);
    tf.dispose(parts);
    return out;
  }

  trainStep(batch: Batch, ctx: StepContext): StepMetrics {
    const c = this.config;
    const real = batch.x; // [B, H, W, C] in [-1, 1], or [B, 2]
    const b = real.shape[0];
    const z = this.latent(b, ctx.rng);
    const alpha = c.loss === 'wgan-gp' ? drawMixingWeights(b, ctx.rng) : null;
    // The critic's step sees G(z) as a constant: gradients reach only D's weights.
    const fake = tf.tidy(() => this.generate(z));
    const dStats: Record<string, tf.Scalar> = {};
    const d = ctx.optimize(
      'discriminator',
      () => {
        const r = this.discriminate(real); // [B, 1]
        const f = this.discriminate(fake); // [B, 1]
        let loss = discriminatorLoss(c.loss, r, f);
        const read = (t: tf.Tensor) => (outputIsLogit(c.loss) ? tf.mean(tf.sigmoid(t)) : tf.mean(t)) as tf.Scalar;
        dStats.d_real = read(r);
        dStats.d_fake = read(f);
        if (isWasserstein(c.loss)) dStats.w_dist = tf.sub(tf.mean(r), tf.mean(f)) as tf.Scalar; // critic's estimate of W1
        if (alpha) {
          const gp = gradientPenalty((x) => this.discriminate(x), real, fake, alpha, c.gpWeight);
          dStats.gp = gp.penalty;
          dStats.grad_xhat = gp.meanNorm;
          loss = tf.add(loss, gp.penalty) as tf.Scalar;
        }
        return loss;
      },
      () => dStats,
    );
    tf.dispose([z, fake, ...(alpha ? [alpha] : [])]);
    if (c.loss === 'wgan') clipWeights(this.discriminator.parameters(), c.clip);

    if ((ctx.step + 1) % c.criticSteps === 0) {
      const z2 = this.latent(b, ctx.rng);
      const g = ctx.optimize('generator', () => generatorLoss(c.loss, this.discriminate(this.generate(z2))));
      z2.dispose();
      this.lastGenerator = { g_loss: g.loss, grad_g: g.gradNorm };
    }
    const metrics: StepMetrics = { loss: d.loss, d_loss: d.loss, ...this.lastGenerator, grad_d: d.gradNorm, ...d.aux };
    this.watchForDomination(metrics, ctx);
    return metrics;
  }

  /**
   * D "wins outright" when its loss is near 0 and the generator's gradients vanish: G then
   * stops learning (the saturation the non-saturating loss avoids). Warn once it lasts 200 steps.
   */
  private watchForDomination(m: StepMetrics, ctx: StepContext): void {
    if (isWasserstein(this.config.loss) || m.grad_g === undefined) return;
    const won = m.d_loss < 0.01 && m.grad_g < 1e-3;
    this.dominated = won ? this.dominated + 1 : 0;
    if (this.dominated === 200) {
      ctx.warn?.(`step ${ctx.step + 1}: the discriminator wins outright (D loss ${m.d_loss.toExponential(1)}, generator gradient norm ${m.grad_g.toExponential(1)}); the generator has stopped learning (try --loss ns or wgan-gp, or a lower D learning rate)`);
    }
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
  }
}
