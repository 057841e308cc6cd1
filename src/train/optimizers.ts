/**
 * Optimisers with state that a checkpoint can hold and restore exactly. Update rules follow
 * PyTorch's (torch.optim.Adam, RMSprop, SGD), so hyper-parameters from papers carry over.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from './types.js';
import { UserError } from '../util/errors.js';
import { ADAM_UPDATE, adamUpdateConfigs, type AdamStep } from '../backend/kernels/adam_update.js';
import { registerOnce } from '../backend/kernels/register.js';

export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Applies one update at learning rate lr; grads are not disposed. */
  apply(vars: tf.Variable[], grads: tf.Tensor[], lr: number): void;
  /** Slots by name (e.g. "m/3") plus the step count, for checkpoints. */
  state(): { step: number; slots: [string, tf.Tensor][] };
  load(state: { step: number; slots: Map<string, tf.Tensor> }, vars: tf.Variable[]): void;
  dispose(): void;
}

abstract class SlotOptimizer implements Optimizer {
  protected step = 0;
  protected slots = new Map<string, tf.Variable>();
  constructor(readonly config: OptimizerConfig, private readonly slotNames: string[]) {}

  protected slot(name: string, i: number, like: tf.Variable): tf.Variable {
    const key = `${name}/${i}`;
    let s = this.slots.get(key);
    if (!s) {
      const zeros = tf.zerosLike(like);
      s = tf.variable(zeros, false);
      zeros.dispose(); // the variable keeps its own reference to the buffer
      this.slots.set(key, s);
    }
    return s;
  }

  abstract apply(vars: tf.Variable[], grads: tf.Tensor[], lr: number): void;

  state(): { step: number; slots: [string, tf.Tensor][] } {
    return { step: this.step, slots: [...this.slots.entries()] };
  }

  load(state: { step: number; slots: Map<string, tf.Tensor> }, vars: tf.Variable[]): void {
    this.step = state.step;
    for (const [key, value] of state.slots) {
      const [name, idx] = key.split('/');
      if (!this.slotNames.includes(name)) continue;
      const s = this.slot(name, Number(idx), vars[Number(idx)]);
      s.assign(value);
    }
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}

/**
 * One Adam step for one tensor, as in PyTorch (bias-corrected):
 *   m' = b1 m + (1 - b1) g,  v' = b2 v + (1 - b2) g^2,
 *   p' = p - lr (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps)
 * Returns [p', m', v']: one fused kernel where the backend has it (wasm, cpu), tfjs ops elsewhere.
 */
export function adamStep(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: AdamStep, fused = true): [tf.Tensor, tf.Tensor, tf.Tensor] {
  registerOnce(adamUpdateConfigs);
  if (fused && p.dtype === 'float32' && tf.getKernel(ADAM_UPDATE, tf.getBackend())) {
    const attrs = { ...s } as unknown as tf.NamedAttrMap;
    const [p1, m1, v1] = tf.engine().runKernel(ADAM_UPDATE, { p, g, m, v }, attrs) as tf.Tensor[];
    return [p1, m1, v1];
  }
  return tf.tidy(() => {
    const m1 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
    const v1 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
    const update = tf.div(tf.div(m1, s.c1), tf.add(tf.sqrt(tf.div(v1, s.c2)), s.eps));
    return [tf.sub(p, tf.mul(update, s.lr)), m1, v1];
  });
}

/** Adam (Kingma & Ba 2015) with PyTorch's bias correction; the update rule is adamStep's. */
export class Adam extends SlotOptimizer {
  constructor(config: OptimizerConfig) {
    super(config, ['m', 'v']);
  }
  apply(vars: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    this.step += 1;
    const beta1 = this.config.beta1 ?? 0.9;
    const beta2 = this.config.beta2 ?? 0.999;
    const eps = this.config.eps ?? 1e-8;
    const s: AdamStep = { lr, beta1, beta2, eps, c1: 1 - beta1 ** this.step, c2: 1 - beta2 ** this.step };
    vars.forEach((p, i) => {
      const m = this.slot('m', i, p);
      const v = this.slot('v', i, p);
      tf.tidy(() => {
        const [p1, m1, v1] = adamStep(p, grads[i], m, v, s);
        m.assign(m1);
        v.assign(v1);
        p.assign(p1);
      });
    });
  }
}

/** RMSprop as torch.optim.RMSprop (alpha = beta2): v <- a v + (1 - a) g^2, p <- p - lr g / (sqrt(v) + eps). */
export class RmsProp extends SlotOptimizer {
  constructor(config: OptimizerConfig) {
    super(config, ['v']);
  }
  apply(vars: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    this.step += 1;
    const a = this.config.beta2 ?? 0.99;
    const eps = this.config.eps ?? 1e-8;
    vars.forEach((p, i) => {
      const v = this.slot('v', i, p);
      tf.tidy(() => {
        const g = grads[i];
        const v1 = tf.add(tf.mul(v, a), tf.mul(tf.square(g), 1 - a));
        v.assign(v1);
        p.assign(tf.sub(p, tf.mul(tf.div(g, tf.add(tf.sqrt(v1), eps)), lr)));
      });
    });
  }
}

/** SGD with momentum as torch.optim.SGD (momentum = beta1): b <- mu b + g, p <- p - lr b. */
export class Sgd extends SlotOptimizer {
  constructor(config: OptimizerConfig) {
    super(config, ['b']);
  }
  apply(vars: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    this.step += 1;
    const mu = this.config.beta1 ?? 0;
    vars.forEach((p, i) => {
      tf.tidy(() => {
        let d = grads[i];
        if (mu > 0) {
          const b = this.slot('b', i, p);
          d = this.step === 1 ? d : tf.add(tf.mul(b, mu), d);
          b.assign(d);
        }
        p.assign(tf.sub(p, tf.mul(d, lr)));
      });
    });
  }
}

export function makeOptimizer(config: OptimizerConfig): Optimizer {
  switch (config.kind) {
    case 'adam':
      return new Adam(config);
    case 'rmsprop':
      return new RmsProp(config);
    case 'sgd':
      return new Sgd(config);
    default:
      throw new UserError(`unknown optimizer '${(config as { kind: string }).kind}' (adam|rmsprop|sgd)`);
  }
}
