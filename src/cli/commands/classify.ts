/**
 * genlab classify: a generative model used as a classifier through Bayes' rule,
 *   p(y | x) = p(x | y) p(y) / sum_k p(x | k) p(k),
 * with per-class Gaussians (diagonal or full covariance, maximum likelihood), compared with
 * the discriminative CNN shipped for the same data.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from '../command.js';
import { parse, str, flag, choice, num, int } from '../args.js';
import { vaeClassify } from '../../eval/vae_classifier.js';
import { UserError } from '../../util/errors.js';
import { loadSource } from '../../data/index.js';
import { GaussianClassifier } from '../../eval/gaussian_classifier.js';
import { IMAGE_RIDGE } from '../../distributions/gaussian.js';
import { accuracy } from '../../eval/inception_score.js';
import { initBackend } from '../../backend/index.js';
import { defaultFeatureNet, loadFeatureNet } from '../../eval/features.js';
import { ProgressPhases } from '../../util/progress.js';

export const command: Command = {
  name: 'classify',
  summary: "classify with generative models by Bayes' rule (per-class Gaussians or VAEs) vs the shipped CNN",
  usage: 'usage: genlab classify --model gaussian|vae --data SOURCE [--covariance diag|full] [--ridge R] [--steps 600] [--k 50] [--json]',
  async run(argv) {
    const a = parse(argv, { model: { type: 'string' }, data: { type: 'string' }, covariance: { type: 'string' }, ridge: { type: 'string' }, steps: { type: 'string' }, k: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' } }, 'classify');
    const model = choice(a, 'model', ['gaussian', 'vae'] as const, 'gaussian');
    const data = str(a, 'data', 'mnist');
    const covariance = choice(a, 'covariance', ['diag', 'full'] as const, 'full');
    const backend = choice(a, 'backend', ['auto', 'wasm', 'cpu', 'node'] as const, 'auto');
    const steps = int(a, 'steps', 600, 1)!;
    const k = int(a, 'k', 50, 1)!;
    const ridgeArg = num(a, 'ridge', undefined, 0);
    if (a.positionals.length) throw new UserError(`classify: unexpected argument '${a.positionals[0]}'`);
    const progress = new ProgressPhases();
    const report = (label: string, done: number, total: number, unit: string) => progress.update(label, done, total, unit);
    try {
      const train = await loadSource(data, { split: 'train' });
      const test = await loadSource(data.replace(/:(train|test)$/, ''), { split: 'test' });
      if (!train.labels || !test.labels) throw new UserError(`--data ${data}: the source has no labels`);
      const x = train.kind === 'images' ? train.pixels : train.points;
      const xt = test.kind === 'images' ? test.pixels : test.points;
      const d = x.length / train.n;
      const t0 = performance.now();
      let result: Record<string, unknown>;
      if (model === 'vae') {
        if (train.kind !== 'images' || test.kind !== 'images') throw new UserError('--model vae: needs an image source');
        await initBackend({ backend });
        const r = vaeClassify(train, test, { steps, batch: 64, latent: 16, hidden: [256, 256], k, seed: 0, log: (m) => progress.message(m), onProgress: report });
        result = { model: 'vae-per-class', data, accuracy: r.accuracy, n_test: test.n, steps_per_class: steps, k, seconds: +r.seconds.toFixed(1) };
      } else {
        const clf = GaussianClassifier.fit(x, train.labels, train.n, d, { covariance, ridge: ridgeArg ?? (train.kind === 'images' ? IMAGE_RIDGE : 1e-6) }, (c, K) => report(`fitting ${K} per-class Gaussians (${covariance})`, c, K, 'classes'));
        const acc = accuracy(clf.predict(xt, test.n, (c, K) => report(`log-likelihoods of the ${test.n} test examples`, c, K, 'classes')), test.labels);
        result = { model: `gaussian-${covariance}`, data, accuracy: acc, n_test: test.n, seconds: +((performance.now() - t0) / 1000).toFixed(2) };
      }
      if (train.kind === 'images' && test.kind === 'images') {
        try {
          await initBackend({ backend });
          const net = await loadFeatureNet(defaultFeatureNet(data));
          const per = test.height * test.width * test.channels;
          const preds = new Int32Array(test.n);
          for (let i = 0; i < test.n; i += 500) {
            const b = Math.min(500, test.n - i);
            const p = tf.tidy(() => tf.argMax(net.model.net.logits(tf.tensor(test.pixels.subarray(i * per, (i + b) * per), [b, test.height, test.width, test.channels])), 1));
            preds.set(p.dataSync() as Int32Array, i);
            p.dispose();
            report('the shipped CNN on the test images', i + b, test.n, 'images');
          }
          result.discriminative_accuracy = accuracy(preds, test.labels);
          net.model.dispose();
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
        }
      }
      progress.end();
      if (flag(a, 'json')) console.log(JSON.stringify(result));
      else for (const [key, v] of Object.entries(result)) console.log(`${key.padEnd(24)} ${v}`);
      return 0;
    } finally {
      progress.end();
    }
  },
};
