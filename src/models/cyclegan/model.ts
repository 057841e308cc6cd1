/**
 * CycleGAN as a TrainableModel: generators G: A -> B and F: B -> A, discriminators D_B and D_A
 * (losses.ts for the objective). Parameter groups `generators` (G and F, one Adam as in the
 * authors' code) and `discriminators` (D_A and D_B). Domain A is the run's data, B its stream
 * 'b' (Batch.streams.b), drawn independently: the sets are unpaired.
 *
 * One step, as the authors' optimize_parameters: (1) G and F minimise the adversarial, cycle
 * and identity terms with the discriminators fixed; (2) the discriminators see real images and
 * the translations of step (1), passed through each one's history pool (image_pool.ts).
 *
 * Channels: when one domain is grey and the other RGB (mnist <-> mnist-m), both networks work
 * in RGB: grey images enter as three equal channels, and an A-domain output leaves as the mean
 * of its channels. The identity term (G(b) ~ b) needs G to take B's images, hence one width.
 *
 * With a style code (styleDim K > 0) G takes (x, z), z [B, K] conditioning each of its instance
 * norms (networks.ts), and an encoder E gives q(z | b) = N(mu(b), exp(logvar(b))). The generators' loss gains
 *   G(F(b), z_b) ~ b with z_b = mu + exp(logvar / 2) eps   (the B cycle, and G(b, z_b) ~ b)
 *   + klWeight E_b KL(q(z | b) || N(0, I))                  (so that a2b may draw z ~ N(0, I))
 *   + latentWeight E |mu(G(a, z_a)) - z_a|, z_a ~ N(0, I)   (so that G uses z; its gradient
 *                                                              reaches E too, where BicycleGAN gives it to G alone)
 * A digit no longer has to carry its photo through F(b), and F's A cycle F(G(a, z)) ~ a sees
 * as many photos per digit as z draws.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Sequential } from '../../nn/index.js';
import type { Batch, DataShape, StepContext, StepMetrics, TrainableModel } from '../../train/types.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { symmetricToUnit, unitToSymmetric } from '../../math/scaling.js';
import { klStdNormal } from '../../math/gaussian_kl.js';
import { dcganInit } from '../gan/dcgan_init.js';
import { drawMixingWeights, gradientPenalty } from '../gan/gradient_penalty.js';
import { domainShapes, type CycleganConfig } from './config.js';
import { buildDiscriminator, buildGenerator, buildStyleEncoder, StyleSlot } from './networks.js';
import { ImagePool, type ImagePoolState } from './image_pool.js';
import { adversarialLoss, cycleLoss, halfDiscriminatorLoss, identityLoss, meanAbsoluteError } from './losses.js';

export type Direction = 'a2b' | 'b2a';
export type Domain = 'a' | 'b';

/** Images translated in chunks, so a whole test set never holds all activations at once. */
const CHUNK = 250;

/** Side of the PatchGAN's output map for an input side h (each 4x4 conv with padding 1: floor((h + 2 - 4) / s) + 1). */
export function patchSide(h: number, layers: number): number {
  let s = h;
  for (let i = 0; i < layers; i++) s = Math.floor((s - 2) / 2) + 1;
  return s - 2; // the two stride-1 convs take one pixel each
}

/** The receptive field of one score: r = 1, then r <- (r - 1) s + 4 for each 4x4 conv from the output back. */
export function patchReceptiveField(layers: number): number {
  let r = 4 + 3; // the two stride-1 convs
  for (let i = 0; i < layers; i++) r = (r - 1) * 2 + 4;
  return r;
}

export class CycleganModel implements TrainableModel {
  /** G: A -> B and F: B -> A. */
  readonly g: Sequential;
  readonly f: Sequential;
  /** D_B judges B images, D_A judges A images. */
  readonly dB: Sequential;
  readonly dA: Sequential;
  /** E: B images -> [mu | logvar] of their style code; null without one (styleDim 0). */
  readonly e: Sequential | null;
  /** The style code G's conditional norms read during applyG. */
  private readonly style = new StyleSlot();
  /** Channels the networks work in (the wider domain's). */
  readonly channels: 1 | 3;
  readonly native: Record<Domain, 1 | 3>;
  private readonly poolA: ImagePool;
  private readonly poolB: ImagePool;
  /** The last training batches (in [-1, 1]), translated for the loop's periodic grids. */
  private lastA: tf.Tensor | null = null;

  constructor(readonly config: CycleganConfig, readonly data: DataShape, rng: Rng) {
    const { a, b } = domainShapes(data);
    const ca = a.shape[2] as 1 | 3;
    const cb = b.shape[2] as 1 | 3;
    this.native = { a: ca, b: cb };
    this.channels = Math.max(ca, cb) as 1 | 3;
    if (patchSide(a.shape[0], config.discriminatorLayers) < 1 || patchSide(a.shape[1], config.discriminatorLayers) < 1) {
      throw new UserError(`cyclegan: --d-layers ${config.discriminatorLayers} is too deep for ${a.shape[0]}x${a.shape[1]} images (no patch left); use fewer`);
    }
    const c = this.channels;
    this.g = buildGenerator(rng, c, c, config, config.styleDim > 0 ? this.style : null);
    this.f = buildGenerator(rng, c, c, config);
    this.dB = buildDiscriminator(rng, c, config);
    this.dA = buildDiscriminator(rng, c, config);
    this.e = config.styleDim > 0 ? buildStyleEncoder(rng, c, config) : null;
    // The authors' init_type 'normal': conv weights N(0, 0.02), biases 0, norm scales N(1, 0.02).
    dcganInit(this.namedVariables(), rng);
    this.poolA = new ImagePool(config.poolSize);
    this.poolB = new ImagePool(config.poolSize);
  }

  namedVariables(): [string, tf.Variable][] {
    const e = this.e ? this.e.namedVariables('e_b.') : [];
    return [...this.g.namedVariables('g.'), ...this.f.namedVariables('f.'), ...this.dA.namedVariables('d_a.'), ...this.dB.namedVariables('d_b.'), ...e];
  }

  paramGroups(): Record<string, tf.Variable[]> {
    return { generators: [...this.g.parameters(), ...this.f.parameters(), ...(this.e ? this.e.parameters() : [])], discriminators: [...this.dA.parameters(), ...this.dB.parameters()] };
  }

  emaGroups(): string[] {
    return ['generators'];
  }

  setTraining(on: boolean): void {
    for (const n of this.networks()) n.train(on);
  }

  private networks(): Sequential[] {
    return [this.g, this.f, this.dA, this.dB, ...(this.e ? [this.e] : [])];
  }

  /** z ~ N(0, I) [n, K] from `rng`, or null without a style code (and then no draw). */
  drawStyle(n: number, rng: Rng): tf.Tensor2D | null {
    const k = this.config.styleDim;
    return k > 0 ? tf.tensor2d(rng.normalArray(n * k), [n, k]) : null;
  }

  /** q(z | b) = N(mu, diag exp(logvar)): B images [B, H, W, C] in [-1, 1] -> mu, logvar [B, K]. */
  encodeStyle(b: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    if (!this.e) throw new Error('cyclegan: no style encoder (styleDim 0)');
    const k = this.config.styleDim;
    const out = this.e.apply(b) as tf.Tensor2D; // [B, 2K]
    const [mu, logvar] = tf.split(out, [k, k], 1) as [tf.Tensor2D, tf.Tensor2D];
    out.dispose();
    return { mu, logvar };
  }

  /** G(x, z) for x [B, H, W, C] and z [B, K]; G(x) when z is null (the plain model). */
  applyG(x: tf.Tensor, z: tf.Tensor | null): tf.Tensor {
    if ((z === null) !== (this.e === null)) throw new Error(`cyclegan: G ${this.e ? 'needs' : 'takes no'} style code`);
    this.style.z = z;
    try {
      return this.g.apply(x);
    } finally {
      this.style.z = null;
    }
  }

  /** A domain's images [B, H, W, c] in the networks' width: grey repeated over three channels. */
  lift(x: tf.Tensor): tf.Tensor {
    return x.shape[3] === this.channels ? tf.clone(x) : tf.tile(x, [1, 1, 1, this.channels]);
  }

  /** Back to domain `d`'s own channels: the channel mean for a grey domain. */
  lower(x: tf.Tensor, d: Domain): tf.Tensor {
    return this.native[d] === this.channels ? tf.clone(x) : tf.mean(x, 3, true);
  }

  /**
   * Translates images of the source domain (in [0, 1], its own channels) and back:
   * { translation: G(x) or F(x) in the target's channels, reconstruction: F(G(x)) or G(F(x)) }, in [0, 1].
   * With a style code, a2b draws z ~ N(0, I) from `rng` (seed 0 unless given) and b2a's way back
   * takes each image's own code, G(F(b), mu(b)).
   */
  translate(x: tf.Tensor, direction: Direction, rng: Rng = new Rng(0)): { translation: tf.Tensor; reconstruction: tf.Tensor } {
    const fwd = (xs: tf.Tensor) => (direction === 'a2b' ? this.applyG(xs, this.drawStyle(xs.shape[0], rng)) : this.f.apply(xs));
    const back = (y: tf.Tensor, xs: tf.Tensor) => (direction === 'a2b' ? this.f.apply(y) : this.applyG(y, this.e ? this.encodeStyle(xs).mu : null));
    const [src, dst]: [Domain, Domain] = direction === 'a2b' ? ['a', 'b'] : ['b', 'a'];
    const t: tf.Tensor[] = [];
    const r: tf.Tensor[] = [];
    for (let i = 0; i < x.shape[0]; i += CHUNK) {
      const part = tf.tidy(() => {
        const xs = this.lift(unitToSymmetric(x.slice(i, Math.min(CHUNK, x.shape[0] - i)))); // [b, H, W, C]
        const y = fwd(xs);
        return [symmetricToUnit(this.lower(y, dst)), symmetricToUnit(this.lower(back(y, xs), src))];
      });
      t.push(part[0]);
      r.push(part[1]);
    }
    const cat = (ts: tf.Tensor[]) => {
      if (ts.length === 1) return ts[0];
      const out = tf.concat(ts, 0);
      tf.dispose(ts);
      return out;
    };
    return { translation: cat(t), reconstruction: cat(r) };
  }

  hostState(): { poolA: ImagePoolState; poolB: ImagePoolState } {
    return { poolA: this.poolA.state(), poolB: this.poolB.state() };
  }

  restoreHostState(s: unknown): void {
    const h = s as { poolA?: ImagePoolState; poolB?: ImagePoolState };
    if (!h.poolA || !h.poolB) throw new UserError('cyclegan: the checkpoint holds no image pools');
    this.poolA.restore(h.poolA);
    this.poolB.restore(h.poolB);
  }

  trainStep(batch: Batch, ctx: StepContext): StepMetrics {
    const c = this.config;
    const bBatch = batch.streams?.b;
    if (!bBatch) throw new UserError('cyclegan: the batch has no stream b (training.streams.b, --data-b)');
    const a = this.lift(batch.x); // [B, H, W, C] in [-1, 1]
    const b = this.lift(bBatch.x); // [B', H, W, C]
    this.lastA?.dispose();
    this.lastA = tf.clone(a);
    // The style code's noise, drawn before the step (none without a code: the plain model's draws are unchanged).
    const zA = this.drawStyle(a.shape[0], ctx.rng); // z_a ~ N(0, I) [B, K]
    const epsB = this.drawStyle(b.shape[0], ctx.rng); // eps for z_b = mu + sigma eps [B', K]

    // (1) G and F, the discriminators held fixed (only the generators' variables get gradients).
    // (`as`: assigned inside the loss function, which TypeScript's flow analysis does not follow.)
    let fakeB = null as tf.Tensor | null;
    let fakeA = null as tf.Tensor | null;
    const parts: Record<string, tf.Scalar> = {};
    const gen = ctx.optimize(
      'generators',
      () => {
        const gA = this.applyG(a, zA); // G(a) or G(a, z_a) [B, H, W, C]
        const fB = this.f.apply(b); // F(b)
        let zB: tf.Tensor | null = null;
        let styleTerms: tf.Tensor = tf.scalar(0);
        if (this.e) {
          const q = this.encodeStyle(b);
          zB = tf.add(q.mu, tf.mul(tf.exp(tf.mul(0.5, q.logvar)), epsB!)); // z_b = mu + exp(logvar / 2) eps
          parts.kl = tf.mean(klStdNormal(q.mu, q.logvar)) as tf.Scalar; // E_b KL(q(z | b) || N(0, I))
          parts.latent_l1 = meanAbsoluteError(this.encodeStyle(gA).mu, zA!); // E |mu(G(a, z_a)) - z_a|
          styleTerms = tf.add(tf.mul(c.klWeight, parts.kl), tf.mul(c.latentWeight, parts.latent_l1));
        }
        fakeB = tf.keep(tf.clone(gA));
        fakeA = tf.keep(tf.clone(fB));
        const adv = tf.add(adversarialLoss(c.loss, this.dB.apply(gA)), adversarialLoss(c.loss, this.dA.apply(fB)));
        const recA = this.f.apply(gA); // F(G(a))
        const recB = this.applyG(fB, zB); // G(F(b)) or G(F(b), z_b)
        parts.cycle_l1_a = meanAbsoluteError(recA, a);
        parts.cycle_l1_b = meanAbsoluteError(recB, b);
        parts.g_adv = adv as tf.Scalar;
        const lambdaB = c.cycleWeightB ?? c.cycleWeight;
        let total = tf.add(tf.add(adv, cycleLoss(a, recA, b, recB, c.cycleWeight, lambdaB)), styleTerms);
        if (c.identityWeight > 0) {
          const idt = identityLoss(a, this.f.apply(a), b, this.applyG(b, zB), c.identityWeight * c.cycleWeight, c.identityWeight * lambdaB);
          parts.identity = idt;
          total = tf.add(total, idt);
        }
        return total as tf.Scalar;
      },
      () => parts,
    );

    // (2) The discriminators on real images and pooled translations.
    const shownB = this.poolB.query(fakeB!, ctx.rng);
    const shownA = this.poolA.query(fakeA!, ctx.rng);
    tf.dispose([fakeB!, fakeA!]);
    const gp = c.loss === 'wgan-gp' ? { b: drawMixingWeights(b.shape[0], ctx.rng), a: drawMixingWeights(a.shape[0], ctx.rng) } : null;
    const dParts: Record<string, tf.Scalar> = {};
    const dis = ctx.optimize(
      'discriminators',
      () => {
        const lossB = halfDiscriminatorLoss(c.loss, this.dB.apply(b), this.dB.apply(shownB));
        const lossA = halfDiscriminatorLoss(c.loss, this.dA.apply(a), this.dA.apply(shownA));
        dParts.d_b_loss = lossB;
        dParts.d_a_loss = lossA;
        let total: tf.Tensor = tf.add(lossB, lossA);
        if (gp) {
          const pB = gradientPenalty((x) => this.dB.apply(x), b, shownB, gp.b, c.gpWeight).penalty;
          const pA = gradientPenalty((x) => this.dA.apply(x), a, shownA, gp.a, c.gpWeight).penalty;
          dParts.gp = tf.add(pA, pB) as tf.Scalar;
          total = tf.add(total, dParts.gp);
        }
        return total as tf.Scalar;
      },
      () => dParts,
    );
    tf.dispose([a, b, shownA, shownB, ...(gp ? [gp.a, gp.b] : []), ...(zA ? [zA] : []), ...(epsB ? [epsB] : [])]);
    return { loss: gen.loss, g_loss: gen.loss, d_loss: dis.loss, ...gen.aux, ...dis.aux, grad_g: gen.gradNorm, grad_d: dis.gradNorm };
  }

  /**
   * The loop's periodic grid: G's translations of the last training batch of A, in B's
   * channels and [0, 1]. A loaded run has no batch: `genlab translate` translates given images.
   */
  sample(n: number, rng: Rng): tf.Tensor {
    if (!this.lastA) throw new UserError('cyclegan translates images rather than sampling them: use genlab translate RUN --direction a2b|b2a --data SOURCE');
    return tf.tidy(() => {
      const a = this.lastA!.slice(0, Math.min(n, this.lastA!.shape[0]));
      return symmetricToUnit(this.lower(this.applyG(a, this.drawStyle(a.shape[0], rng)), 'b'));
    });
  }

  dispose(): void {
    this.lastA?.dispose();
    for (const n of this.networks()) n.dispose();
  }
}
