/**
 * unet-ddpm (WORKLOADS.md): one DDPM eps-prediction step on 64 x 28x28x1 with the reference's
 * U-Net: levels 28/14/7, channels 32/64/64, one residual block per level each way
 * (GroupNorm(8)-SiLU-conv3x3, time-embedding add, GroupNorm-SiLU-conv3x3, 1x1 skip when the
 * width changes), stride-2 conv down, convT4x4 stride-2 up, skip concatenation, sinusoidal
 * embedding (128) through a 2-layer MLP; T = 1000 linear betas; MSE on the noise; Adam 2e-4.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, Conv2d, ConvTranspose2d, Dense, GroupNorm, silu, timestepEmbedding } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import type { WorkloadSpec } from '../workload.js';
import { makeAdam, minimize } from '../adam_step.js';
import { mse } from '../losses.js';
import { NoiseSchedule } from '../../models/ddpm/noise_schedule.js';
import { qSample } from '../../models/ddpm/diffusion.js';

class ResBlock extends Module {
  private n1: GroupNorm;
  private c1: Conv2d;
  private t: Dense;
  private n2: GroupNorm;
  private c2: Conv2d;
  private skip: Conv2d | null;
  constructor(rng: Rng, cin: number, cout: number, tdim: number) {
    super();
    this.n1 = this.child('n1', new GroupNorm(8, cin));
    this.c1 = this.child('c1', new Conv2d(rng, cin, cout, 3, { padding: 1 }));
    this.t = this.child('t', new Dense(rng, tdim, cout));
    this.n2 = this.child('n2', new GroupNorm(8, cout));
    this.c2 = this.child('c2', new Conv2d(rng, cout, cout, 3, { padding: 1 }));
    this.skip = cin !== cout ? this.child('skip', new Conv2d(rng, cin, cout, 1)) : null;
  }
  apply(x: tf.Tensor, temb: tf.Tensor): tf.Tensor {
    let h = this.c1.apply(silu(this.n1.apply(x)));
    h = tf.add(h, tf.reshape(this.t.apply(temb), [x.shape[0], 1, 1, -1]));
    h = this.c2.apply(silu(this.n2.apply(h)));
    return tf.add(h, this.skip ? this.skip.apply(x) : x);
  }
}

class BenchUNet extends Module {
  private te1: Dense;
  private te2: Dense;
  private inp: Conv2d;
  private d0: ResBlock;
  private down0: Conv2d;
  private d1: ResBlock;
  private down1: Conv2d;
  private mid: ResBlock;
  private up1: ConvTranspose2d;
  private u1: ResBlock;
  private up0: ConvTranspose2d;
  private u0: ResBlock;
  private outNorm: GroupNorm;
  private outConv: Conv2d;
  constructor(rng: Rng, readonly tdim = 128) {
    super();
    const [c0, c1, c2] = [32, 64, 64];
    this.te1 = this.child('te1', new Dense(rng, tdim, tdim));
    this.te2 = this.child('te2', new Dense(rng, tdim, tdim));
    this.inp = this.child('inp', new Conv2d(rng, 1, c0, 3, { padding: 1 }));
    this.d0 = this.child('d0', new ResBlock(rng, c0, c0, tdim));
    this.down0 = this.child('down0', new Conv2d(rng, c0, c0, 3, { stride: 2, padding: 1 }));
    this.d1 = this.child('d1', new ResBlock(rng, c0, c1, tdim));
    this.down1 = this.child('down1', new Conv2d(rng, c1, c1, 3, { stride: 2, padding: 1 }));
    this.mid = this.child('mid', new ResBlock(rng, c1, c2, tdim));
    this.up1 = this.child('up1', new ConvTranspose2d(rng, c2, c2, 4, { stride: 2, padding: 1 }));
    this.u1 = this.child('u1', new ResBlock(rng, c2 + c1, c1, tdim));
    this.up0 = this.child('up0', new ConvTranspose2d(rng, c1, c1, 4, { stride: 2, padding: 1 }));
    this.u0 = this.child('u0', new ResBlock(rng, c1 + c0, c0, tdim));
    this.outNorm = this.child('outNorm', new GroupNorm(8, c0));
    this.outConv = this.child('outConv', new Conv2d(rng, c0, 1, 3, { padding: 1 }));
  }
  apply(x: tf.Tensor, t: number[]): tf.Tensor {
    const temb = this.te2.apply(silu(this.te1.apply(timestepEmbedding(t, this.tdim)))); // [B, 128]
    const h0 = this.d0.apply(this.inp.apply(x), temb); // [B, 28, 28, 32]
    const h1 = this.d1.apply(this.down0.apply(h0), temb); // [B, 14, 14, 64]
    let h = this.mid.apply(this.down1.apply(h1), temb); // [B, 7, 7, 64]
    h = this.u1.apply(tf.concat([this.up1.apply(h), h1], 3), temb); // [B, 14, 14, 64]
    h = this.u0.apply(tf.concat([this.up0.apply(h), h0], 3), temb); // [B, 28, 28, 32]
    return this.outConv.apply(silu(this.outNorm.apply(h))); // [B, 28, 28, 1]
  }
}

export const unetDdpm: WorkloadSpec = {
  name: 'unet-ddpm',
  description: 'DDPM eps-prediction step, U-Net 32/64/64, 64 x 28x28x1, Adam 2e-4',
  target: 1.0,
  build(rng: Rng, scale = 1) {
    const net = new BenchUNet(rng);
    const schedule = NoiseSchedule.fromConfig({ kind: 'linear', steps: 1000 });
    const b = Math.max(1, Math.round(64 * scale));
    const x0 = tf.tensor(rng.uniformArray(b * 28 * 28, -1, 1), [b, 28, 28, 1]);
    const opt = makeAdam(2e-4);
    const vars = net.parameters();
    return {
      params: net.numParameters(),
      step: () => {
        const t = Array.from({ length: b }, () => rng.int(1000));
        const eps = tf.tensor(rng.normalArray(x0.size), x0.shape);
        const loss = minimize(opt, vars, () => mse(net.apply(qSample(schedule, x0, t, eps), t), eps));
        eps.dispose();
        return loss;
      },
      dispose: () => {
        net.dispose();
        x0.dispose();
        opt.dispose();
      },
    };
  },
};
