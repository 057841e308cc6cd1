/**
 * The noise-prediction U-Net of Ho et al. (2020), NHWC, sized by a JSON config:
 * sinusoidal time embedding through a 2-layer MLP, residual blocks with GroupNorm and SiLU
 * (the embedding added between the two convolutions), self-attention at chosen
 * resolutions, stride-2 convolutions down, nearest-neighbour upsampling + conv up, and skip
 * concatenation. Works for any H = W divisible by 2^(levels - 1) (28x28 gray: 28/14/7).
 * Class-conditional when built with numClasses > 0: a learned class embedding (with a "no class"
 * id for classifier-free guidance) is added to the time embedding, as in Ho & Salimans (2022).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, Conv2d, Dense, GroupNorm, ClassEmbedding, silu, dropout, timestepEmbedding } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';

export interface UNetConfig {
  /** Input/output channels (1 for gray, 3 for RGB). */
  channels: number;
  /** Base width; level i has baseChannels * channelMult[i] channels. */
  baseChannels: number;
  channelMult: number[];
  /** Residual blocks per level on the way down (the way up has one more, as in DDPM). */
  blocksPerLevel: number;
  /** Spatial sizes (e.g. 7, 14) whose blocks are followed by self-attention. */
  attentionResolutions: number[];
  dropout: number;
  /** GroupNorm groups; must divide every level's width. */
  groups: number;
}

/**
 * 28x28 default: 28/14/7 with 16/32/32 channels, attention at 7x7 (281 k parameters with class
 * conditioning). Chosen by FID per hour on two cores (README, "Diffusion recipe study"): at equal
 * training time the 32-wide net (1.1 M) trails (v + cosine on mnist: 477 after 250 steps against
 * 367 for this one after 500, which cost about the same), and it samples 3x slower.
 */
export const defaultUNetConfig = (channels: number): UNetConfig => ({
  channels,
  baseChannels: 16,
  channelMult: [1, 2, 2],
  blocksPerLevel: 1,
  attentionResolutions: [7, 8],
  dropout: 0.1,
  groups: 8,
});

class ResBlock extends Module {
  private n1: GroupNorm;
  private c1: Conv2d;
  private t: Dense;
  private n2: GroupNorm;
  private c2: Conv2d;
  private skip: Conv2d | null;
  constructor(rng: Rng, cin: number, cout: number, tdim: number, groups: number, private readonly rate: number) {
    super();
    this.n1 = this.child('norm1', new GroupNorm(groups, cin));
    this.c1 = this.child('conv1', new Conv2d(rng, cin, cout, 3, { padding: 1 }));
    this.t = this.child('temb', new Dense(rng, tdim, cout));
    this.n2 = this.child('norm2', new GroupNorm(groups, cout));
    this.c2 = this.child('conv2', new Conv2d(rng, cout, cout, 3, { padding: 1 }));
    this.skip = cin !== cout ? this.child('skip', new Conv2d(rng, cin, cout, 1)) : null;
  }
  apply(x: tf.Tensor, temb: tf.Tensor, rng: Rng | null): tf.Tensor {
    return tf.tidy(() => {
      let h = this.c1.apply(silu(this.n1.apply(x))); // [B, H, W, Cout]
      const [b, , , c] = h.shape;
      h = tf.add(h, tf.reshape(this.t.apply(silu(temb)), [b, 1, 1, c]));
      h = silu(this.n2.apply(h));
      if (rng && this.rate > 0) h = dropout(h, this.rate, rng, this.training);
      h = this.c2.apply(h);
      return tf.add(h, this.skip ? this.skip.apply(x) : x);
    });
  }
}

/** Single-head self-attention over the H*W positions: softmax(Q K^T / sqrt(C)) V, residual. */
class SelfAttention extends Module {
  private norm: GroupNorm;
  private q: Dense;
  private k: Dense;
  private v: Dense;
  private proj: Dense;
  constructor(rng: Rng, c: number, groups: number) {
    super();
    this.norm = this.child('norm', new GroupNorm(groups, c));
    // Separate projections rather than one split 3C-wide one: SplitV is slow on wasm.
    this.q = this.child('q', new Dense(rng, c, c));
    this.k = this.child('k', new Dense(rng, c, c));
    this.v = this.child('v', new Dense(rng, c, c));
    this.proj = this.child('proj', new Dense(rng, c, c));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape;
      const tokens = tf.reshape(this.norm.apply(x), [b * h * w, c]);
      const q = tf.reshape(this.q.apply(tokens), [b, h * w, c]); // [B, N, C]
      const k = tf.reshape(this.k.apply(tokens), [b, h * w, c]);
      const v = tf.reshape(this.v.apply(tokens), [b, h * w, c]);
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(c)); // [B, N, N]
      const attn = tf.softmax(scores, -1);
      const out = tf.reshape(tf.matMul(attn, v), [b * h * w, c]); // [B*N, C]
      return tf.add(x, tf.reshape(this.proj.apply(out), [b, h, w, c]));
    });
  }
}

/** Nearest-neighbour 2x upsampling by broadcasting (its gradient is a plain sum). [B,H,W,C] -> [B,2H,2W,C]. */
function upsample2x(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const spread = tf.mul(tf.reshape(x, [b, h, 1, w, 1, c]), tf.ones([1, 1, 2, 1, 2, 1])); // [B, H, 2, W, 2, C]
    return tf.reshape(spread, [b, 2 * h, 2 * w, c]);
  });
}

interface Stage {
  block: ResBlock;
  attn: SelfAttention | null;
}

export class UNet extends Module {
  private readonly tdim: number;
  private temb1: Dense;
  private temb2: Dense;
  private inConv: Conv2d;
  private down: Stage[][] = [];
  private downsample: (Conv2d | null)[] = [];
  private mid1: ResBlock;
  private midAttn: SelfAttention;
  private mid2: ResBlock;
  private up: Stage[][] = [];
  private upConv: (Conv2d | null)[] = [];
  private outNorm: GroupNorm;
  private outConv: Conv2d;
  /** Null for an unconditional network. */
  readonly classEmb: ClassEmbedding | null;

  constructor(rng: Rng, readonly cfg: UNetConfig, readonly size: number, numClasses = 0) {
    super();
    const base = cfg.baseChannels;
    this.tdim = base * 4;
    this.temb1 = this.child('temb1', new Dense(rng, base, this.tdim));
    this.temb2 = this.child('temb2', new Dense(rng, this.tdim, this.tdim));
    // Created after the layers above and before the rest, so unconditional networks draw the same weights as before.
    this.classEmb = numClasses > 0 ? this.child('class', new ClassEmbedding(rng, numClasses, this.tdim)) : null;
    this.inConv = this.child('in', new Conv2d(rng, cfg.channels, base, 3, { padding: 1 }));
    const levels = cfg.channelMult.length;
    const skipChannels: number[] = [base];
    let ch = base;
    let res = size;
    for (let i = 0; i < levels; i++) {
      const cout = base * cfg.channelMult[i];
      const stages: Stage[] = [];
      for (let j = 0; j < cfg.blocksPerLevel; j++) {
        const block = this.child(`down${i}.block${j}`, new ResBlock(rng, ch, cout, this.tdim, cfg.groups, cfg.dropout));
        const attn = cfg.attentionResolutions.includes(res) ? this.child(`down${i}.attn${j}`, new SelfAttention(rng, cout, cfg.groups)) : null;
        stages.push({ block, attn });
        ch = cout;
        skipChannels.push(ch);
      }
      this.down.push(stages);
      if (i < levels - 1) {
        this.downsample.push(this.child(`down${i}.downsample`, new Conv2d(rng, ch, ch, 3, { stride: 2, padding: 1 })));
        skipChannels.push(ch);
        res = Math.ceil(res / 2);
      } else {
        this.downsample.push(null);
      }
    }
    this.mid1 = this.child('mid.block1', new ResBlock(rng, ch, ch, this.tdim, cfg.groups, cfg.dropout));
    this.midAttn = this.child('mid.attn', new SelfAttention(rng, ch, cfg.groups));
    this.mid2 = this.child('mid.block2', new ResBlock(rng, ch, ch, this.tdim, cfg.groups, cfg.dropout));
    for (let i = levels - 1; i >= 0; i--) {
      const cout = base * cfg.channelMult[i];
      const stages: Stage[] = [];
      for (let j = 0; j <= cfg.blocksPerLevel; j++) {
        const skip = skipChannels.pop()!;
        const block = this.child(`up${i}.block${j}`, new ResBlock(rng, ch + skip, cout, this.tdim, cfg.groups, cfg.dropout));
        const attn = cfg.attentionResolutions.includes(res) ? this.child(`up${i}.attn${j}`, new SelfAttention(rng, cout, cfg.groups)) : null;
        stages.push({ block, attn });
        ch = cout;
      }
      this.up.push(stages);
      if (i > 0) {
        this.upConv.push(this.child(`up${i}.upsample`, new Conv2d(rng, ch, ch, 3, { padding: 1 })));
        res *= 2;
      } else {
        this.upConv.push(null);
      }
    }
    this.outNorm = this.child('out.norm', new GroupNorm(cfg.groups, ch));
    this.outConv = this.child('out.conv', new Conv2d(rng, ch, cfg.channels, 3, { padding: 1 }));
  }

  /**
   * x: [B, H, W, C] noisy images, t: 0-based timesteps [B]; rng drives dropout (null: none);
   * labels [B] (class ids, or classEmb.nullId for none) for a class-conditional network.
   */
  apply(x: tf.Tensor, t: number[], rng: Rng | null = null, labels: number[] | null = null): tf.Tensor {
    return tf.tidy(() => {
      let temb = this.temb2.apply(silu(this.temb1.apply(timestepEmbedding(t, this.cfg.baseChannels)))); // [B, tdim]
      if (this.classEmb) temb = tf.add(temb, this.classEmb.apply(labels ?? new Array(t.length).fill(this.classEmb.nullId))); // + emb(c)
      let h = this.inConv.apply(x);
      const skips: tf.Tensor[] = [h];
      this.down.forEach((stages, i) => {
        for (const s of stages) {
          h = s.block.apply(h, temb, rng);
          if (s.attn) h = s.attn.apply(h);
          skips.push(h);
        }
        const ds = this.downsample[i];
        if (ds) {
          h = ds.apply(h);
          skips.push(h);
        }
      });
      h = this.mid2.apply(this.midAttn.apply(this.mid1.apply(h, temb, rng)), temb, rng);
      this.up.forEach((stages, k) => {
        for (const s of stages) {
          const skip = skips.pop()!;
          h = s.block.apply(tf.concat([h, cropTo(skip, h)], 3), temb, rng);
          if (s.attn) h = s.attn.apply(h);
        }
        const uc = this.upConv[k];
        if (uc) {
          const target = skips[skips.length - 1];
          h = cropTo(uc.apply(upsample2x(h)), target);
        }
      });
      return this.outConv.apply(silu(this.outNorm.apply(h))); // [B, H, W, C]
    });
  }
}

/** For odd sizes (7 -> 4 -> 8) the upsampled map is cropped to its skip partner's size. */
function cropTo(x: tf.Tensor, like: tf.Tensor): tf.Tensor {
  const h = like.shape[1] as number;
  const w = like.shape[2] as number;
  if (x.shape[1] === h && x.shape[2] === w) return x;
  return tf.slice(x, [0, 0, 0, 0], [x.shape[0], h, w, x.shape[3] as number]);
}
