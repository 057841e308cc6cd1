/**
 * Encoder and decoder networks of the autoencoder / VAE, MLP or convolutional.
 *
 *   encoder: x [B, ...shape] -> [B, outDim]   (outDim = 2 x latent for (mu, logvar), latent for the AE)
 *   decoder: z [B, latent]  -> [B, ...shape with channels x outFactor]  (outFactor 2 when the
 *            decoder also outputs a log-variance)
 *
 * MLP: x -> flatten -> [Dense, act] x hidden -> Dense(outDim); decoder mirrors the widths.
 * Conv (28x28, 32x32, any side divisible by 2^stages): [Conv 4x4 stride 2 pad 1, relu] per
 * stage, flatten, Dense(convDense), relu, Dense(outDim); decoder: Dense(convDense), relu,
 * Dense(c h w), relu, reshape, [ConvTranspose 4x4 stride 2 pad 1, relu] per stage (no relu
 * after the last), each doubling the side.
 */
import { Sequential, Dense, Conv2d, ConvTranspose2d, relu, tanh, flatten, reshape } from '../../nn/index.js';
import type { Layer } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import type { DataShape } from '../../train/types.js';
import type { VaeConfig } from './config.js';

export interface Networks {
  encoder: Sequential;
  decoder: Sequential;
}

/**
 * Builds both networks. `encOut` is the encoder's output width; `decChannelsFactor` multiplies
 * the decoder's output channels (points: output dimensions).
 */
export function buildNetworks(config: VaeConfig, data: DataShape, rng: Rng, encOut: number, decFactor: number): Networks {
  return config.arch === 'conv' ? buildConv(config, data, rng, encOut, decFactor) : buildMlp(config, data, rng, encOut, decFactor);
}

function buildMlp(config: VaeConfig, data: DataShape, rng: Rng, encOut: number, decFactor: number): Networks {
  const act = config.activation === 'tanh' ? tanh : relu;
  const inDim = data.shape.reduce((a, b) => a * b, 1);
  const widths = [inDim, ...config.hidden];
  const enc: Layer[] = [flatten];
  for (let i = 1; i < widths.length; i++) enc.push(new Dense(rng, widths[i - 1], widths[i]), act);
  enc.push(new Dense(rng, widths[widths.length - 1], encOut));

  const back = [config.latent, ...[...config.hidden].reverse()];
  const dec: Layer[] = [];
  for (let i = 1; i < back.length; i++) dec.push(new Dense(rng, back[i - 1], back[i]), act);
  dec.push(new Dense(rng, back[back.length - 1], inDim * decFactor));
  if (data.kind === 'images') {
    const [h, w, c] = data.shape;
    dec.push(reshape([h, w, c * decFactor])); // [B, H, W, C x factor]
  }
  return { encoder: new Sequential(enc), decoder: new Sequential(dec) };
}

function buildConv(config: VaeConfig, data: DataShape, rng: Rng, encOut: number, decFactor: number): Networks {
  const [h, w, c] = data.shape;
  const chans = [c, ...config.channels];
  const f = 2 ** config.channels.length;
  const hs = h / f;
  const ws = w / f;
  const top = chans[chans.length - 1];

  const enc: Layer[] = [];
  for (let i = 1; i < chans.length; i++) enc.push(new Conv2d(rng, chans[i - 1], chans[i], 4, { stride: 2, padding: 1 }), relu);
  enc.push(flatten); // [B, hs ws top]
  enc.push(new Dense(rng, hs * ws * top, config.convDense), relu, new Dense(rng, config.convDense, encOut));

  const dec: Layer[] = [
    new Dense(rng, config.latent, config.convDense), relu,
    new Dense(rng, config.convDense, hs * ws * top), relu,
    reshape([hs, ws, top]), // [B, hs, ws, top]
  ];
  const outChans = [...chans].reverse();
  outChans[outChans.length - 1] = c * decFactor;
  for (let i = 1; i < outChans.length; i++) {
    dec.push(new ConvTranspose2d(rng, outChans[i - 1], outChans[i], 4, { stride: 2, padding: 1 }));
    if (i < outChans.length - 1) dec.push(relu);
  }
  return { encoder: new Sequential(enc), decoder: new Sequential(dec) };
}
