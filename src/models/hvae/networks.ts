/**
 * The networks of the hierarchical VAE, layer i = 1 (next to x) .. L (top), with widths
 * h_i = hidden[i-1], latent sizes D_i = latents[i-1] and blocks of `depth` dense layers:
 *
 *   bottom-up block i  d_{i-1} -> d_i      (d_0 = x):  [Dense, act] x depth, width h_i
 *   bottom-up head i   d_i -> (mu_hat_i, logvar_hat_i)  Dense(h_i, 2 D_i)
 *   top-down block i   z_{i+1} -> (mu_p,i, logvar_p,i)   [Dense, act] x depth at width h_{i+1}, Dense(h_{i+1}, 2 D_i)   (i < L)
 *   decoder            z_1 -> p(x | z_1)                [Dense, act] x depth at width h_1, Dense(h_1, dim x factor)
 *
 * so L = 1 is the VAE's MLP (vae/networks.ts) with hidden = [h_1] x depth, and the IWAE paper's
 * two-layer model is latents [100, 50], hidden [200, 100], depth 2, tanh.
 * Conv (images): bottom-up block 1 is the VAE's convolutional encoder up to its dense layer,
 * [Conv 4x4 stride 2, relu] per stage, flatten, Dense(convDense), relu (d_1 has width convDense);
 * the decoder is the VAE's transposed-convolution decoder from z_1. The higher layers stay dense.
 */
import { Sequential, Dense, Conv2d, ConvTranspose2d, relu, tanh, flatten, reshape } from '../../nn/index.js';
import type { Layer } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import type { DataShape } from '../../train/types.js';
import type { HvaeConfig } from './config.js';

export interface HierarchyNetworks {
  /** Bottom-up blocks, bottom first (L). */
  up: Sequential[];
  /** Bottom-up heads, bottom first (L), each to [B, 2 D_i]. */
  heads: Sequential[];
  /** Top-down blocks for layers 1 .. L-1, bottom first (L - 1), each z_{i+1} -> [B, 2 D_i]. */
  down: Sequential[];
  /** z_1 -> [B, ...shape with channels x decFactor]. */
  decoder: Sequential;
}

function denseBlock(rng: Rng, inDim: number, width: number, depth: number, act: Layer): Layer[] {
  const out: Layer[] = [];
  for (let j = 0; j < depth; j++) out.push(new Dense(rng, j === 0 ? inDim : width, width), act);
  return out;
}

/** Builds every network; `decFactor` is 2 when the Gaussian decoder also outputs a log-variance. */
export function buildHierarchy(config: HvaeConfig, data: DataShape, rng: Rng, decFactor: number): HierarchyNetworks {
  const act = config.activation === 'tanh' ? tanh : relu;
  const L = config.latents.length;
  const inDim = data.shape.reduce((a, b) => a * b, 1);
  const conv = config.arch === 'conv';
  // d_1's width: the dense layer after the convolutions, or the first block's width.
  const widths = config.hidden.map((w, i) => (i === 0 && conv ? config.convDense : w));

  const up: Sequential[] = [];
  const heads: Sequential[] = [];
  for (let i = 0; i < L; i++) {
    const block = i > 0 ? denseBlock(rng, widths[i - 1], widths[i], config.depth, act) : conv ? convEncoder(config, data, rng) : [flatten, ...denseBlock(rng, inDim, widths[0], config.depth, act)];
    up.push(new Sequential(block));
    heads.push(new Sequential([new Dense(rng, widths[i], 2 * config.latents[i])]));
  }
  const down: Sequential[] = [];
  for (let i = 0; i < L - 1; i++) {
    down.push(new Sequential([...denseBlock(rng, config.latents[i + 1], widths[i + 1], config.depth, act), new Dense(rng, widths[i + 1], 2 * config.latents[i])]));
  }
  const decoder = conv ? convDecoder(config, data, rng, decFactor) : mlpDecoder(config, data, rng, decFactor, act, inDim);
  return { up, heads, down, decoder };
}

function mlpDecoder(config: HvaeConfig, data: DataShape, rng: Rng, decFactor: number, act: Layer, inDim: number): Sequential {
  const h = config.hidden[0];
  const dec: Layer[] = [...denseBlock(rng, config.latents[0], h, config.depth, act), new Dense(rng, h, inDim * decFactor)];
  if (data.kind === 'images') {
    const [hh, w, c] = data.shape;
    dec.push(reshape([hh, w, c * decFactor])); // [B, H, W, C x factor]
  }
  return new Sequential(dec);
}

function convEncoder(config: HvaeConfig, data: DataShape, rng: Rng): Layer[] {
  const [h, w, c] = data.shape;
  const chans = [c, ...config.channels];
  const f = 2 ** config.channels.length;
  const top = chans[chans.length - 1];
  const enc: Layer[] = [];
  for (let i = 1; i < chans.length; i++) enc.push(new Conv2d(rng, chans[i - 1], chans[i], 4, { stride: 2, padding: 1 }), relu); // side / 2 per stage
  enc.push(flatten, new Dense(rng, (h / f) * (w / f) * top, config.convDense), relu); // [B, convDense]
  return enc;
}

function convDecoder(config: HvaeConfig, data: DataShape, rng: Rng, decFactor: number): Sequential {
  const [h, w, c] = data.shape;
  const chans = [c, ...config.channels];
  const f = 2 ** config.channels.length;
  const top = chans[chans.length - 1];
  const dec: Layer[] = [
    new Dense(rng, config.latents[0], config.convDense), relu,
    new Dense(rng, config.convDense, (h / f) * (w / f) * top), relu,
    reshape([h / f, w / f, top]), // [B, h/f, w/f, top]
  ];
  const outChans = [...chans].reverse();
  outChans[outChans.length - 1] = c * decFactor;
  for (let i = 1; i < outChans.length; i++) {
    dec.push(new ConvTranspose2d(rng, outChans[i - 1], outChans[i], 4, { stride: 2, padding: 1 })); // side x 2
    if (i < outChans.length - 1) dec.push(relu);
  }
  return new Sequential(dec);
}
