/**
 * Generator and discriminator networks.
 *
 * MLP (2-D points): G = z -> [Dense, ReLU] x L -> Dense(2);  D = x -> [Dense, LeakyReLU 0.2] x L -> Dense(1).
 *
 * DCGAN (Radford et al. 2016), NHWC, for H x W x C images with H = W = base * 2^s, base in 4..7
 * (28 -> 7 x 2^2, 32 -> 4 x 2^3). With c = `channels`:
 *   G: z [B, nz] -> Dense -> [B, base, base, c 2^(s-1)] BN ReLU
 *      -> s-1 x (ConvT 4x4 stride 2, halve channels, BN ReLU) -> ConvT 4x4 stride 2 -> [B, H, W, C] tanh
 *   D: x [B, H, W, C] -> Conv 4x4 s2 (c) LReLU -> s-1 x (Conv 4x4 s2, double channels, [BN] LReLU)
 *      -> flatten -> Dense(1)   (a logit, or a critic value for the Wasserstein losses)
 * Batch norm in D is optional: none in a WGAN-GP critic.
 */
import { Sequential, Dense, Conv2d, ConvTranspose2d, BatchNorm, relu, tanh, leakyRelu, flatten, reshape, type Layer } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import { UserError } from '../../util/errors.js';
import type { DataShape } from '../../train/types.js';
import type { GanConfig } from './config.js';

/** Number of stride-2 stages s and the base side, for an image side. */
export function dcganStages(side: number): { stages: number; base: number } {
  for (let s = 4; s >= 1; s--) {
    const base = side / 2 ** s;
    if (Number.isInteger(base) && base >= 4 && base <= 8) return { stages: s, base };
  }
  throw new UserError(`dcgan: image side ${side} must be 4..8 times a power of two (e.g. 28, 32, 64)`);
}

export function buildGenerator(config: GanConfig, data: DataShape, rng: Rng): Sequential {
  if (config.arch === 'mlp') {
    const layers: Layer[] = [];
    let width = config.nz;
    for (const h of config.hidden) {
      layers.push(new Dense(rng, width, h), relu);
      width = h;
    }
    layers.push(new Dense(rng, width, data.shape[0]));
    return new Sequential(layers);
  }
  const [side, , channelsOut] = data.shape;
  if (data.shape[0] !== data.shape[1]) throw new UserError(`dcgan: needs square images, got ${data.shape[0]}x${data.shape[1]}`);
  const { stages, base } = dcganStages(side);
  let width = config.channels * 2 ** (stages - 1);
  const layers: Layer[] = [new Dense(rng, config.nz, base * base * width), reshape([base, base, width]), new BatchNorm(width), relu];
  for (let i = 1; i < stages; i++) {
    layers.push(new ConvTranspose2d(rng, width, width / 2, 4, { stride: 2, padding: 1 }), new BatchNorm(width / 2), relu);
    width /= 2;
  }
  layers.push(new ConvTranspose2d(rng, width, channelsOut, 4, { stride: 2, padding: 1 }), tanh); // [B, H, W, C] in [-1, 1]
  return new Sequential(layers);
}

export function buildDiscriminator(config: GanConfig, data: DataShape, rng: Rng): Sequential {
  if (config.arch === 'mlp') {
    const layers: Layer[] = [];
    let width = data.shape[0];
    for (const h of config.hidden) {
      layers.push(new Dense(rng, width, h), leakyRelu(0.2));
      width = h;
    }
    layers.push(new Dense(rng, width, 1));
    return new Sequential(layers);
  }
  const [side, , channelsIn] = data.shape;
  const { stages, base } = dcganStages(side);
  let width = config.channels;
  const layers: Layer[] = [new Conv2d(rng, channelsIn, width, 4, { stride: 2, padding: 1 }), leakyRelu(0.2)];
  for (let i = 1; i < stages; i++) {
    layers.push(new Conv2d(rng, width, width * 2, 4, { stride: 2, padding: 1 }));
    if (config.discriminatorNorm === 'batch') layers.push(new BatchNorm(width * 2));
    layers.push(leakyRelu(0.2));
    width *= 2;
  }
  layers.push(flatten, new Dense(rng, base * base * width, 1)); // [B, 1]
  return new Sequential(layers);
}
