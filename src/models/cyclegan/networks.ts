/**
 * CycleGAN's networks (Zhu et al. 2017, appendix 7.2; Johnson et al. 2016 for the generator),
 * NHWC. Instance norm is group norm with one group per channel (with a learned scale and shift;
 * the authors' InstanceNorm2d has none, which the init's gamma = 1, beta = 0 starts from).
 *
 * ResNet generator, for an H x W input (H, W multiples of 4):
 *   reflect-pad 3, conv 7x7 -> ngf, IN, ReLU                        [B, H, W, ngf]
 *   conv 3x3 stride 2 -> 2 ngf, IN, ReLU                            [B, H/2, W/2, 2 ngf]
 *   conv 3x3 stride 2 -> 4 ngf, IN, ReLU                            [B, H/4, W/4, 4 ngf]
 *   n x residual block (reflect-pad 1, conv 3x3, IN, ReLU, reflect-pad 1, conv 3x3, IN, + x)
 *   2 x upsample (transposed conv 3x3 stride 2, or nearest x2 + reflect-pad 1 + conv 3x3), IN, ReLU
 *   reflect-pad 3, conv 7x7 -> C_out, tanh                          [B, H, W, C_out] in [-1, 1]
 *
 * PatchGAN discriminator with k = discriminatorLayers stride-2 convolutions (the authors' n_layers):
 *   conv 4x4 s2 p1 -> ndf, LReLU 0.2; for i = 1..k-1: conv 4x4 s2 p1 -> ndf min(2^i, 8), IN, LReLU;
 *   conv 4x4 s1 p1 -> ndf min(2^k, 8), IN, LReLU; conv 4x4 s1 p1 -> 1  [B, h, w, 1] one score per patch
 * On 28 px with k = 2: 28 -> 14 -> 7 -> 6 -> 5, a 5x5 map of scores, each seeing 34 x 34 pixels.
 *
 * With a style code z (--style-dim K), every instance norm of G is conditional (Dumoulin et al.
 * 2017, as Augmented CycleGAN's generator): IN(x) (1 + gamma(z)) + beta(z), gamma and beta
 * linear in z. Stacking z on the input instead would do nothing: a channel constant over the
 * image stays constant through a reflection-padded conv, and the next instance norm removes it.
 *
 * Style encoder E, a small version of BicycleGAN's:
 *   conv 4x4 s2 p1 -> ndf, LReLU 0.2; conv 4x4 s2 p1 -> 2 ndf, LReLU; mean over H, W   [B, 2 ndf]
 *   dense -> 2K: [mu | logvar]                                                         [B, 2K]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, ConvTranspose2d, Dense, Module, Sequential, leakyRelu, relu, tanh, type Layer } from '../../nn/index.js';
import { groupNorm } from '../../nn/group_norm_op.js';
import type { Rng } from '../../util/rng.js';
import type { CycleganConfig } from './config.js';

/** Reflection padding of p pixels on each side of H and W: [B, H, W, C] -> [B, H + 2p, W + 2p, C]. */
export const reflectPad = (p: number) => (x: tf.Tensor): tf.Tensor => tf.mirrorPad(x as tf.Tensor4D, [[0, 0], [p, p], [p, p], [0, 0]], 'reflect');

/**
 * Instance normalisation: each sample's each channel normalised over H x W (group norm with one
 * channel per group). `fused` false takes tfjs's composite ops, which have second-order
 * gradients: the WGAN-GP penalty differentiates the critic's input gradient, and the fused
 * kernel's gradient has no gradient of its own.
 */
export class InstanceNorm extends Module {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  constructor(readonly channels: number, readonly fused = true, readonly eps = 1e-5) {
    super();
    this.gamma = this.param('gamma', tf.ones([channels]));
    this.beta = this.param('beta', tf.zeros([channels]));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return groupNorm(x, this.gamma, this.beta, this.channels, this.eps, this.fused); // [B, H, W, C]
  }
}

const instanceNorm = (channels: number, fused = true) => new InstanceNorm(channels, fused);

/** Where a conditional generator's norms find the style code [B, K] of the images it is applied to. */
export class StyleSlot {
  z: tf.Tensor | null = null;
}

/** IN(x) (1 + gamma(z)) + beta(z) with [gamma | beta] = z W + c: [B, H, W, C] -> [B, H, W, C]. */
export class ConditionalInstanceNorm extends Module {
  readonly norm: InstanceNorm;
  readonly film: Dense;
  constructor(rng: Rng, readonly channels: number, styleDim: number, readonly slot: StyleSlot) {
    super();
    this.norm = this.child('norm', new InstanceNorm(channels));
    this.film = this.child('film', new Dense(rng, styleDim, 2 * channels));
  }
  apply(x: tf.Tensor): tf.Tensor {
    const z = this.slot.z;
    if (!z) throw new Error('ConditionalInstanceNorm: no style code in the slot');
    return tf.tidy(() => {
      const [gamma, beta] = tf.split(tf.reshape(this.film.apply(z), [-1, 1, 1, 2 * this.channels]), 2, 3); // [B, 1, 1, C] each
      return tf.add(tf.mul(this.norm.apply(x), tf.add(1, gamma)), beta);
    });
  }
}

/** Nearest-neighbour upsampling x2: [B, H, W, C] -> [B, 2H, 2W, C]. */
const upsampleNearest = (x: tf.Tensor): tf.Tensor => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [x.shape[1]! * 2, x.shape[2]! * 2]);

/** y = x + conv(relu(IN(conv(x)))) with reflection padding, at constant width. */
export class ResnetBlock extends Module {
  readonly body: Sequential;
  constructor(rng: Rng, channels: number, norm: (channels: number) => Layer = instanceNorm) {
    super();
    this.body = this.child(
      'body',
      new Sequential([reflectPad(1), new Conv2d(rng, channels, channels, 3), norm(channels), relu, reflectPad(1), new Conv2d(rng, channels, channels, 3), norm(channels)]),
    );
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(x, this.body.apply(x))); // [B, h, w, C]
  }
}

/**
 * G or F: [B, H, W, inChannels] in [-1, 1] -> [B, H, W, outChannels] in [-1, 1]. With a slot, the
 * norms are conditional on the style code [B, c.styleDim] put there before each apply.
 */
export function buildGenerator(rng: Rng, inChannels: number, outChannels: number, c: CycleganConfig, slot: StyleSlot | null = null): Sequential {
  const ngf = c.generatorChannels;
  const norm = (channels: number): Layer => (slot ? new ConditionalInstanceNorm(rng, channels, c.styleDim, slot) : instanceNorm(channels));
  const layers: Layer[] = [reflectPad(3), new Conv2d(rng, inChannels, ngf, 7), norm(ngf), relu];
  for (const m of [1, 2]) {
    layers.push(new Conv2d(rng, ngf * m, ngf * m * 2, 3, { stride: 2, padding: 1 }), norm(ngf * m * 2), relu);
  }
  for (let i = 0; i < c.resBlocks; i++) layers.push(new ResnetBlock(rng, ngf * 4, norm));
  for (const m of [4, 2]) {
    const out = (ngf * m) / 2;
    if (c.upsample === 'transpose') layers.push(new ConvTranspose2d(rng, ngf * m, out, 3, { stride: 2, padding: 1, outputPadding: 1 }));
    else layers.push(upsampleNearest, reflectPad(1), new Conv2d(rng, ngf * m, out, 3));
    layers.push(norm(out), relu);
  }
  layers.push(reflectPad(3), new Conv2d(rng, ngf, outChannels, 7), tanh);
  return new Sequential(layers);
}

/** D_A or D_B: [B, H, W, C] -> [B, h, w, 1], one raw score (logit / critic value) per patch. */
export function buildDiscriminator(rng: Rng, inChannels: number, c: CycleganConfig): Sequential {
  const ndf = c.discriminatorChannels;
  const lrelu = leakyRelu(0.2);
  const fused = c.loss !== 'wgan-gp'; // the penalty needs second-order gradients
  const instanceNorm = (channels: number) => new InstanceNorm(channels, fused);
  const layers: Layer[] = [new Conv2d(rng, inChannels, ndf, 4, { stride: 2, padding: 1 }), lrelu];
  let width = ndf;
  for (let i = 1; i < c.discriminatorLayers; i++) {
    const next = ndf * Math.min(2 ** i, 8);
    layers.push(new Conv2d(rng, width, next, 4, { stride: 2, padding: 1 }), instanceNorm(next), lrelu);
    width = next;
  }
  const last = ndf * Math.min(2 ** c.discriminatorLayers, 8);
  layers.push(new Conv2d(rng, width, last, 4, { padding: 1 }), instanceNorm(last), lrelu, new Conv2d(rng, last, 1, 4, { padding: 1 }));
  return new Sequential(layers);
}

/** E: [B, H, W, C] -> [B, 2 styleDim], the mean and log-variance of q(z | b) side by side. */
export function buildStyleEncoder(rng: Rng, inChannels: number, c: CycleganConfig): Sequential {
  const ndf = c.discriminatorChannels;
  const lrelu = leakyRelu(0.2);
  const globalMean = (x: tf.Tensor): tf.Tensor => tf.mean(x, [1, 2]); // [B, h, w, C] -> [B, C]
  return new Sequential([
    new Conv2d(rng, inChannels, ndf, 4, { stride: 2, padding: 1 }),
    lrelu,
    new Conv2d(rng, ndf, ndf * 2, 4, { stride: 2, padding: 1 }),
    lrelu,
    globalMean,
    new Dense(rng, ndf * 2, 2 * c.styleDim),
  ]);
}
