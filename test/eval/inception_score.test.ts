/** Inception-score analogue: extremes, a hand-computed value, splits; histogram and accuracy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, argmaxRows, classHistogram, inceptionScore } from '../../src/eval/inception_score.js';

test('IS extremes: confident and balanced = K, one class for all = 1, uniform rows = 1', () => {
  const K = 4, n = 8;
  const onehot = new Float64Array(n * K);
  for (let i = 0; i < n; i++) onehot[i * K + (i % K)] = 1;
  assert.ok(Math.abs(inceptionScore(onehot, n, K, 1).mean - K) < 1e-12);
  const same = new Float64Array(n * K);
  for (let i = 0; i < n; i++) same[i * K + 2] = 1;
  assert.ok(Math.abs(inceptionScore(same, n, K, 1).mean - 1) < 1e-12);
  assert.ok(Math.abs(inceptionScore(new Float64Array(n * K).fill(1 / K), n, K, 1).mean - 1) < 1e-12);
});

test('IS on two hand-computed rows, and the split mean/std', () => {
  // p1 = (0.9, 0.1), p2 = (0.2, 0.8): p(y) = (0.55, 0.45)
  const kl1 = 0.9 * Math.log(0.9 / 0.55) + 0.1 * Math.log(0.1 / 0.45);
  const kl2 = 0.2 * Math.log(0.2 / 0.55) + 0.8 * Math.log(0.8 / 0.45);
  const want = Math.exp((kl1 + kl2) / 2);
  const r = inceptionScore([0.9, 0.1, 0.2, 0.8], 2, 2, 1);
  assert.ok(Math.abs(r.mean - want) < 1e-14, `${r.mean} vs ${want}`);
  assert.equal(r.std, 0);
  // two splits: rows {0, 1} and {2, 3}; the second split is one class only (score 1)
  const probs = [0.9, 0.1, 0.2, 0.8, 1, 0, 1, 0];
  const s = inceptionScore(probs, 4, 2, 2);
  assert.ok(Math.abs(s.scores[0] - want) < 1e-14 && Math.abs(s.scores[1] - 1) < 1e-14);
  assert.ok(Math.abs(s.mean - (want + 1) / 2) < 1e-14);
  assert.ok(Math.abs(s.std - Math.abs(want - 1) / 2) < 1e-14); // population std of two values
  assert.throws(() => inceptionScore([0.5, 0.6], 1, 2), /sums to/);
});

test('argmax, class histogram and accuracy', () => {
  const probs = [0.1, 0.7, 0.2, 0.5, 0.5, 0, 0, 0.1, 0.9, 0.3, 0.4, 0.3];
  assert.deepEqual(Array.from(argmaxRows(probs, 4, 3)), [1, 0, 2, 1]); // ties go to the first class
  assert.deepEqual(classHistogram(probs, 4, 3), [1, 2, 1]);
  assert.equal(accuracy([1, 0, 2, 1], [1, 1, 2, 0]), 0.5);
  assert.throws(() => accuracy([1], [1, 2]), /1 predictions but 2 labels/);
});
