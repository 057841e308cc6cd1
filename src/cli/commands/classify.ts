/**
 * genlab classify: a generative model used as a classifier through Bayes' rule,
 *   p(y | x) = p(x | y) p(y) / sum_k p(x | k) p(k),
 * with per-class Gaussians (diagonal or full covariance, maximum likelihood), compared with
 * the discriminative CNN shipped for the same data.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from '../command.js';
import { parse, str, flag, choice, num } from '../args.js';
import { UserError } from '../../util/errors.js';
import { loadSource } from '../../data/index.js';
import { GaussianClassifier } from '../../eval/gaussian_classifier.js';
import { IMAGE_RIDGE } from '../../distributions/gaussian.js';
import { accuracy } from '../../eval/inception_score.js';
import { initBackend } from '../../backend/index.js';
import { defaultFeatureNet, loadFeatureNet } from '../../eval/features.js';

export const command: Command = {
  name: 'classify',
  summary: "classify with a generative model by Bayes' rule (per-class Gaussians) vs the shipped CNN",
  usage: 'usage: genlab classify --model gaussian --data SOURCE [--covariance diag|full] [--ridge R] [--json]\n  (per-class VAEs by the IWAE bound are planned: --model vae is not available yet)',
  async run(argv) {
    const a = parse(argv, { model: { type: 'string' }, data: { type: 'string' }, covariance: { type: 'string' }, ridge: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' } }, 'classify');
    const model = choice(a, 'model', ['gaussian', 'vae'] as const, 'gaussian');
    if (model === 'vae') throw new UserError('--model vae: per-class VAE classification is not implemented yet; use --model gaussian');
    const data = str(a, 'data', 'mnist');
    const covariance = choice(a, 'covariance', ['diag', 'full'] as const, 'full');
    const train = await loadSource(data, { split: 'train' });
    const test = await loadSource(data.replace(/:(train|test)$/, ''), { split: 'test' });
    if (!train.labels || !test.labels) throw new UserError(`--data ${data}: the source has no labels`);
    const x = train.kind === 'images' ? train.pixels : train.points;
    const xt = test.kind === 'images' ? test.pixels : test.points;
    const d = x.length / train.n;
    const t0 = performance.now();
    const clf = GaussianClassifier.fit(x, train.labels, train.n, d, { covariance, ridge: num(a, 'ridge', train.kind === 'images' ? IMAGE_RIDGE : 1e-6, 0)! });
    const acc = accuracy(clf.predict(xt, test.n), test.labels);
    const result: Record<string, unknown> = { model: `gaussian-${covariance}`, data, accuracy: acc, n_test: test.n, seconds: +((performance.now() - t0) / 1000).toFixed(2) };
    if (train.kind === 'images' && test.kind === 'images') {
      try {
        await initBackend({ backend: choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto') });
        const net = await loadFeatureNet(defaultFeatureNet(data));
        const per = test.height * test.width * test.channels;
        const preds = new Int32Array(test.n);
        for (let i = 0; i < test.n; i += 500) {
          const b = Math.min(500, test.n - i);
          const p = tf.tidy(() => tf.argMax(net.model.net.logits(tf.tensor(test.pixels.subarray(i * per, (i + b) * per), [b, test.height, test.width, test.channels])), 1));
          preds.set(p.dataSync() as Int32Array, i);
          p.dispose();
        }
        result.discriminative_accuracy = accuracy(preds, test.labels);
        net.model.dispose();
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
      }
    }
    if (flag(a, 'json')) console.log(JSON.stringify(result));
    else for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(24)} ${v}`);
    return 0;
  },
};
