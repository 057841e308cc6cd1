/**
 * Exponential moving average of parameters (never of step counters or schedules; cf.
 * lucidrains/denoising-diffusion-pytorch #136), with warm-up:
 *   shadow <- d_s shadow + (1 - d_s) p,   d_s = min(decay, (1 + s) / (10 + s)).
 */
import * as tf from '@tensorflow/tfjs-core';

export function emaDecay(decay: number, step: number): number {
  return Math.min(decay, (1 + step) / (10 + step));
}

export class Ema {
  readonly shadow = new Map<string, tf.Variable>();
  constructor(readonly decay: number, private readonly params: [string, tf.Variable][]) {
    for (const [name, p] of params) {
      const copy = tf.clone(p);
      this.shadow.set(name, tf.variable(copy, false));
      copy.dispose(); // the variable keeps its own reference to the buffer
    }
  }

  update(step: number): void {
    const d = emaDecay(this.decay, step);
    for (const [name, p] of this.params) {
      const s = this.shadow.get(name)!;
      tf.tidy(() => s.assign(tf.add(tf.mul(s, d), tf.mul(p, 1 - d))));
    }
  }

  /** Runs fn with the EMA weights in place of the live ones, then puts the live ones back. */
  withShadow<T>(fn: () => T): T {
    const saved = this.params.map(([, p]) => tf.clone(p));
    try {
      for (const [name, p] of this.params) p.assign(this.shadow.get(name)!);
      return fn();
    } finally {
      this.params.forEach(([, p], i) => p.assign(saved[i]));
      tf.dispose(saved);
    }
  }

  async withShadowAsync<T>(fn: () => Promise<T>): Promise<T> {
    const saved = this.params.map(([, p]) => tf.clone(p));
    try {
      for (const [name, p] of this.params) p.assign(this.shadow.get(name)!);
      return await fn();
    } finally {
      this.params.forEach(([, p], i) => p.assign(saved[i]));
      tf.dispose(saved);
    }
  }

  dispose(): void {
    for (const v of this.shadow.values()) v.dispose();
  }
}
