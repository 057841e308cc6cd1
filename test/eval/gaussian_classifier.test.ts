/** Per-class Gaussian generative classifier: Bayes' rule by hand, separable data, full vs diag. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GaussianClassifier } from '../../src/eval/gaussian_classifier.js';
import { accuracy } from '../../src/eval/inception_score.js';
import { Gaussian } from '../../src/distributions/gaussian.js';
import type { GaussianParams } from '../../src/distributions/gaussian.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

/** n samples per class from the given class-conditional Gaussians, interleaved. */
function draw(rng: Rng, classes: GaussianParams[], nPer: number): { x: Float64Array; y: Int32Array; n: number } {
  const K = classes.length, d = classes[0].dim, n = K * nPer;
  const x = new Float64Array(n * d), y = new Int32Array(n);
  classes.forEach((p, c) => {
    const s = new Gaussian(p).sample(rng, nPer);
    for (let i = 0; i < nPer; i++) { x.set(s.subarray(i * d, i * d + d), (i * K + c) * d); y[i * K + c] = c; }
  });
  return { x, y, n };
}

test("posterior by Bayes' rule matches the hand formula (1-D, shared variance: a logistic in x)", () => {
  // p(x | 0) = N(-1, 1), p(x | 1) = N(2, 1), p(1) = 0.3:
  // log p(1|x)/p(0|x) = ((x + 1)^2 - (x - 2)^2) / 2 + log(0.3 / 0.7) = 3x - 1.5 + log(3/7)
  const c = new GaussianClassifier({
    kind: 'gaussian-classifier', numClasses: 2, dim: 1, priors: [0.7, 0.3],
    classes: [
      { kind: 'gaussian', covariance: 'diag', dim: 1, mean: [-1], var: [1] },
      { kind: 'gaussian', covariance: 'diag', dim: 1, mean: [2], var: [1] },
    ],
  });
  const xs = [-2, 0, 0.5, 0.7, 3];
  const post = c.posterior(xs, xs.length);
  xs.forEach((x, i) => {
    const want = 1 / (1 + Math.exp(-(3 * x - 1.5 + Math.log(3 / 7))));
    assert.ok(Math.abs(post[2 * i + 1] - want) < 1e-14 && Math.abs(post[2 * i] + post[2 * i + 1] - 1) < 1e-15, `x = ${x}`);
  });
  // decision boundary 3x = 1.5 - log(3/7), x* = 0.7824: left of it class 0, right class 1
  assert.deepEqual(Array.from(c.predict([0.78, 0.79], 2)), [0, 1]);
});

test('fitted classifier on separable 5-D data: priors = class shares, high test accuracy (diag and full)', () => {
  const rng = new Rng(1);
  const d = 5;
  const mk = (mean: number[], v: number): GaussianParams => ({ kind: 'gaussian', covariance: 'diag', dim: d, mean, var: new Array(d).fill(v) });
  const truth = [mk([0, 0, 0, 0, 0], 1), mk([4, 0, 0, 0, 0], 0.5), mk([0, 4, 4, 0, 0], 2)];
  const train = draw(rng, truth, 200);
  // unbalanced priors: drop half of class 2 from the training set
  const keep: number[] = [];
  for (let i = 0; i < train.n; i++) if (train.y[i] !== 2 || i % 2 === 0) keep.push(i);
  const x = new Float64Array(keep.length * d), y = new Int32Array(keep.length);
  keep.forEach((src, i) => { x.set(train.x.subarray(src * d, src * d + d), i * d); y[i] = train.y[src]; });
  const test_ = draw(rng, truth, 300);
  for (const covariance of ['diag', 'full'] as const) {
    const c = GaussianClassifier.fit(x, y, keep.length, d, { covariance, ridge: 0 });
    const counts = [0, 0, 0];
    for (const v of y) counts[v]++;
    c.params.priors.forEach((p, k) => assert.ok(Math.abs(p - counts[k] / keep.length) < 1e-15));
    const acc = accuracy(c.predict(test_.x, test_.n), test_.y);
    assert.ok(acc > 0.97, `${covariance}: accuracy ${acc}`);
    assert.deepEqual(JSON.parse(JSON.stringify(c.params)), c.params);
  }
});

test('classes that differ only in correlation: the full covariance separates them, the diagonal cannot', () => {
  const rng = new Rng(2);
  const mk = (rho: number): GaussianParams => ({ kind: 'gaussian', covariance: 'full', dim: 2, mean: [0, 0], cov: [1, rho, rho, 1] });
  const truth = [mk(0.9), mk(-0.9)];
  const train = draw(rng, truth, 500), test_ = draw(rng, truth, 500);
  const full = GaussianClassifier.fit(train.x, train.y, train.n, 2, { covariance: 'full', ridge: 1e-6 });
  const diag = GaussianClassifier.fit(train.x, train.y, train.n, 2, { covariance: 'diag', ridge: 1e-6 });
  const accFull = accuracy(full.predict(test_.x, test_.n), test_.y);
  const accDiag = accuracy(diag.predict(test_.x, test_.n), test_.y);
  // Bayes rule: along u = (x1 + x2)/sqrt 2, v = (x1 - x2)/sqrt 2 the classes have variances (1.9, 0.1)
  // and (0.1, 1.9), so y_hat = 0 iff |u| > |v|, correct with probability (2/pi) atan(sqrt(1.9 / 0.1)) = 0.856.
  // Equal marginals leave the diagonal model at chance.
  const bayes = (2 / Math.PI) * Math.atan(Math.sqrt(19));
  assert.ok(Math.abs(accFull - bayes) < 0.04, `full ${accFull} vs Bayes ${bayes}`);
  assert.ok(Math.abs(accDiag - 0.5) < 0.07, `diag ${accDiag}`);
});

test('bad labels raise UserError', () => {
  const x = [0, 1, 2, 3];
  assert.throws(() => GaussianClassifier.fit(x, [0, 2, 0, 2], 4, 1, { covariance: 'diag', numClasses: 3, ridge: 0.1 }), (e: unknown) => e instanceof UserError && /class 1 has no training samples/.test(e.message));
  assert.throws(() => GaussianClassifier.fit(x, [0, 1, 0, 5], 4, 1, { covariance: 'diag', numClasses: 3, ridge: 0.1 }), (e: unknown) => e instanceof UserError && /out of range/.test(e.message));
  assert.throws(() => GaussianClassifier.fit(x, [0, 1, 0], 4, 1), UserError);
});
