/**
 * Module: a tree of named tf.Variables, in the manner of torch.nn.Module.
 *
 * Parameters are trainable variables; buffers are non-trainable state (batch-norm running
 * statistics). Names are dotted paths ("enc.0.kernel") used for checkpoints and for the
 * tfjs weights manifest, so they are stable across runs. The forward pass of each layer is
 * a plain method; a module never owns an optimizer.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; training needs every op's gradient.
import '../backend/register_gradients.js';

export abstract class Module {
  private readonly ownParams = new Map<string, tf.Variable>();
  private readonly ownBuffers = new Map<string, tf.Variable>();
  private readonly children = new Map<string, Module>();
  /** Training mode: batch norm uses batch statistics and dropout is active. */
  training = true;

  protected param<T extends tf.Tensor>(name: string, init: T): tf.Variable {
    const v = tf.variable(init, true);
    init.dispose();
    this.ownParams.set(name, v);
    return v;
  }

  protected buffer<T extends tf.Tensor>(name: string, init: T): tf.Variable {
    const v = tf.variable(init, false);
    init.dispose();
    this.ownBuffers.set(name, v);
    return v;
  }

  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Sets training mode on this module and all descendants. */
  train(on = true): this {
    this.training = on;
    for (const c of this.children.values()) c.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  namedParameters(prefix = ''): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [n, v] of this.ownParams) out.push([prefix + n, v]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  namedBuffers(prefix = ''): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [n, v] of this.ownBuffers) out.push([prefix + n, v]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  /** Parameters then buffers: everything a checkpoint must hold. */
  namedVariables(prefix = ''): [string, tf.Variable][] {
    return [...this.namedParameters(prefix), ...this.namedBuffers(prefix)];
  }

  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  numParameters(): number {
    return this.parameters().reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    for (const [, v] of this.namedVariables()) v.dispose();
  }
}

/** A sequence of layers applied in order, named "0", "1", ... like torch.nn.Sequential. */
export class Sequential extends Module {
  readonly layers: Layer[];
  constructor(layers: Layer[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => {
      if (l instanceof Module) this.child(String(i), l);
    });
  }
  apply(x: tf.Tensor): tf.Tensor {
    // tidy: called outside one (e.g. to make a detached batch), the intermediate activations
    // would otherwise outlive the call (the dcgan benchmark leaked 7 tensors, ~17 MB, a step).
    return tf.tidy(() => {
      let h = x;
      for (const l of this.layers) h = typeof l === 'function' ? l(h) : l.apply(h);
      return h;
    });
  }
}

export interface Applicable {
  apply(x: tf.Tensor): tf.Tensor;
}

/** A layer in a Sequential: a module with `apply`, or a parameter-free function such as relu. */
export type Layer = (Module & Applicable) | ((x: tf.Tensor) => tf.Tensor);
