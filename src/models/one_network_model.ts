/**
 * The part of TrainableModel that is the same for every model made of one network trained by
 * one optimiser (the VAE, the autoencoder, the hierarchical VAE): its variables are the
 * network's, one parameter group `model`, no EMA, train/eval mode and disposal passed through.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../nn/index.js';

export abstract class OneNetworkModel<N extends Module> {
  constructor(readonly net: N) {}

  namedVariables(): [string, tf.Variable][] {
    return this.net.namedVariables();
  }

  paramGroups(): Record<string, tf.Variable[]> {
    return { model: this.net.parameters() };
  }

  emaGroups(): string[] {
    return [];
  }

  setTraining(on: boolean): void {
    this.net.train(on);
  }

  dispose(): void {
    this.net.dispose();
  }
}
