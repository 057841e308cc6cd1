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
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, ConvTranspose2d, Module, Sequential, leakyRelu, relu, tanh, type Layer } from '../../nn/index.js';
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

/** Nearest-neighbour upsampling x2: [B, H, W, C] -> [B, 2H, 2W, C]. */
const upsampleNearest = (x: tf.Tensor): tf.Tensor => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [x.shape[1]! * 2, x.shape[2]! * 2]);

/** y = x + conv(relu(IN(conv(x)))) with reflection padding, at constant width. */
export class ResnetBlock extends Module {
  readonly body: Sequential;
  constructor(rng: Rng, channels: number) {
    super();
    this.body = this.child(
      'body',
      new Sequential([reflectPad(1), new Conv2d(rng, channels, channels, 3), instanceNorm(channels), relu, reflectPad(1), new Conv2d(rng, channels, channels, 3), instanceNorm(channels)]),
    );
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(x, this.body.apply(x))); // [B, h, w, C]
  }
}

/** G or F: [B, H, W, inChannels] in [-1, 1] -> [B, H, W, outChannels] in [-1, 1]. */
export function buildGenerator(rng: Rng, inChannels: number, outChannels: number, c: CycleganConfig): Sequential {
  const ngf = c.generatorChannels;
  const layers: Layer[] = [reflectPad(3), new Conv2d(rng, inChannels, ngf, 7), instanceNorm(ngf), relu];
  for (const m of [1, 2]) {
    layers.push(new Conv2d(rng, ngf * m, ngf * m * 2, 3, { stride: 2, padding: 1 }), instanceNorm(ngf * m * 2), relu);
  }
  for (let i = 0; i < c.resBlocks; i++) layers.push(new ResnetBlock(rng, ngf * 4));
  for (const m of [4, 2]) {
    const out = (ngf * m) / 2;
    if (c.upsample === 'transpose') layers.push(new ConvTranspose2d(rng, ngf * m, out, 3, { stride: 2, padding: 1, outputPadding: 1 }));
    else layers.push(upsampleNearest, reflectPad(1), new Conv2d(rng, ngf * m, out, 3));
    layers.push(instanceNorm(out), relu);
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
