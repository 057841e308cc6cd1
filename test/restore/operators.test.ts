/**
 * The degradation operators (src/restore/operators): for each, on random x and y,
 *   A A+ A = A  and  A+ A A+ = A+   to float tolerance,
 * A+ equal to the pseudo-inverse of A's dense matrix (built from basis vectors, inverted in
 * float64 through the eigen-decomposition of A^T A: independent of the operator's own A+), the
 * projectors A A+ and A+ A symmetric, and the seeded operators (random masks, CS matrices)
 * reproducible from their seed.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/util/rng.js';
import type { LinearOperator } from '../../src/restore/operators/operator.js';
import { measure, symmetricMeasurement, rangePart, nullPart } from '../../src/restore/operators/operator.js';
import { InpaintOperator, makeMask } from '../../src/restore/operators/inpaint.js';
import { SuperResolutionOperator } from '../../src/restore/operators/super_resolution.js';
import { DenoiseOperator } from '../../src/restore/operators/denoise.js';
import { CompressedSensingOperator, orthonormalRows } from '../../src/restore/operators/compressed_sensing.js';
import { DeblurOperator, gaussianBlurMatrix } from '../../src/restore/operators/deblur.js';
import { ColorizeOperator } from '../../src/restore/operators/colorize.js';
import { denseA, denseAPinv, pinvDense, maxAbsDiff, maxAbs } from './helpers.js';

before(async () => {
  await tf.setBackend('cpu');
});

/** Small operators of every kind (sizes small enough for dense matrices). */
function operators(): [string, () => LinearOperator][] {
  return [
    ['inpaint box', () => InpaintOperator.fromSpec([6, 6, 1], { kind: 'box', size: 3 })],
    ['inpaint random 80%', () => InpaintOperator.fromSpec([6, 6, 2], { kind: 'random', missing: 0.8, seed: 3 })],
    ['inpaint left half', () => InpaintOperator.fromSpec([6, 5, 1], { kind: 'half', side: 'left' })],
    ['inpaint right half', () => InpaintOperator.fromSpec([6, 5, 1], { kind: 'half', side: 'right' })],
    ['inpaint image mask', () => InpaintOperator.fromSpec([4, 4, 1], { kind: 'image', pixels: Float32Array.from({ length: 16 }, (_, k) => (k % 3 === 0 ? 0 : 1)) })],
    ['sr 2x', () => new SuperResolutionOperator([8, 8, 1], 2)],
    ['sr 4x rgb', () => new SuperResolutionOperator([8, 8, 3], 4)],
    ['denoise', () => new DenoiseOperator([5, 5, 1], 0.2)],
    ['cs 25%', () => new CompressedSensingOperator([6, 6, 1], 0.25, 7)],
    ['cs 50% rgb', () => new CompressedSensingOperator([4, 4, 3], 0.5, 1)],
    ['deblur sigma 1', () => new DeblurOperator([8, 8, 1], 1)],
    ['deblur sigma 1.5, 7x9', () => new DeblurOperator([7, 9, 2], 1.5)],
    ['colorize', () => new ColorizeOperator([4, 4, 3])],
  ];
}

const TOL = 2e-5;

function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

for (const [name, make] of operators()) {
  test(`${name}: A A+ A = A and A+ A A+ = A+`, () => {
    const op = make();
    const x = randomTensor([3, ...op.imageShape], 1);
    const y = randomTensor([3, ...op.measurementShape], 2);
    const [ax, aApAx, apy, apAApy] = tf.tidy(() => [op.apply(x), op.apply(op.pinv(op.apply(x))), op.pinv(y), op.pinv(op.apply(op.pinv(y)))]);
    assert.deepEqual(ax.shape, [3, ...op.measurementShape]);
    assert.deepEqual(apy.shape, [3, ...op.imageShape]);
    const scale = Math.max(1, maxAbs(ax.dataSync()), maxAbs(apy.dataSync()));
    assert.ok(maxAbsDiff(aApAx.dataSync(), ax.dataSync()) < TOL * scale, `A A+ A x != A x by ${maxAbsDiff(aApAx.dataSync(), ax.dataSync())}`);
    assert.ok(maxAbsDiff(apAApy.dataSync(), apy.dataSync()) < TOL * scale, `A+ A A+ y != A+ y by ${maxAbsDiff(apAApy.dataSync(), apy.dataSync())}`);
    tf.dispose([x, y, ax, aApAx, apy, apAApy]);
    op.dispose();
  });

  test(`${name}: A+ equals the dense pseudo-inverse, A A+ and A+ A are symmetric`, () => {
    const op = make();
    const a = denseA(op); // [M, D]
    const ap = denseAPinv(op); // [D, M]
    assert.equal(ap.rows, a.cols);
    assert.equal(ap.cols, a.rows);
    const ref = pinvDense(a.m, a.rows, a.cols);
    const scale = Math.max(1, maxAbs(ref));
    assert.ok(maxAbsDiff(ap.m, ref) < 1e-4 * scale, `A+ differs from the dense pseudo-inverse by ${maxAbsDiff(ap.m, ref)}`);
    // A+ A (D x D) symmetric
    const d = a.cols, m = a.rows;
    let asym = 0;
    const pa = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += ap.m[i * m + r] * a.m[r * d + j];
      pa[i * d + j] = s;
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) asym = Math.max(asym, Math.abs(pa[i * d + j] - pa[j * d + i]));
    assert.ok(asym < 1e-4, `A+ A is not symmetric (${asym})`);
    op.dispose();
  });
}

test('no tensors leak from apply / pinv / measure', () => {
  for (const [, make] of operators()) {
    const op = make();
    const x = randomTensor([2, ...op.imageShape], 4);
    const before = tf.memory().numTensors;
    const outs = [op.apply(x), op.pinv(op.apply(x)), measure(op, x, 0.1, new Rng(0)), symmetricMeasurement(op, op.apply(x)), rangePart(op, x), nullPart(op, x)];
    tf.dispose(outs);
    // apply(x) inside pinv(apply(x)) and symmetricMeasurement(op, apply(x)) are the caller's: two left.
    assert.ok(tf.memory().numTensors - before <= 2, `${op.name}: ${tf.memory().numTensors - before} tensors left`);
    x.dispose();
    op.dispose();
  }
});

test('range and null parts split x: x = A+ A x + (I - A+ A) x, and A kills the null part', () => {
  for (const [, make] of operators()) {
    const op = make();
    const x = randomTensor([2, ...op.imageShape], 5);
    const [r, n, an] = tf.tidy(() => {
      const n0 = nullPart(op, x);
      return [rangePart(op, x), n0, op.apply(n0)];
    });
    assert.ok(maxAbsDiff(tf.add(r, n).dataSync(), x.dataSync()) < 1e-5);
    assert.ok(maxAbs(an.dataSync()) < 1e-4, `${op.name}: A (I - A+ A) x = ${maxAbs(an.dataSync())}`);
    tf.dispose([x, r, n, an]);
    op.dispose();
  }
});

test('seeded operators are reproducible: random masks and CS matrices from their seed', () => {
  const a = makeMask({ kind: 'random', missing: 0.8, seed: 11 }, 28, 28);
  const b = makeMask({ kind: 'random', missing: 0.8, seed: 11 }, 28, 28);
  const c = makeMask({ kind: 'random', missing: 0.8, seed: 12 }, 28, 28);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(a.reduce((s, v) => s + v, 0), 784 - Math.round(0.8 * 784)); // exactly the share missing
  const p = new CompressedSensingOperator([6, 6, 1], 0.25, 5);
  const q = new CompressedSensingOperator([6, 6, 1], 0.25, 5);
  const r = new CompressedSensingOperator([6, 6, 1], 0.25, 6);
  assert.deepEqual(denseA(p).m, denseA(q).m);
  assert.ok(maxAbsDiff(denseA(p).m, denseA(r).m) > 0.1);
  // measurement noise from a seeded stream
  const x = randomTensor([2, 6, 6, 1], 0);
  const y1 = measure(p, x, 0.2, new Rng(9));
  const y2 = measure(p, x, 0.2, new Rng(9));
  assert.deepEqual(y1.dataSync(), y2.dataSync());
  tf.dispose([x, y1, y2]);
  [p, q, r].forEach((o) => o.dispose());
});

test('the masks: centre box, halves, the random share; CS rows orthonormal; blur rows sum to 1 inside', () => {
  const box = makeMask({ kind: 'box', size: 2 }, 4, 4);
  assert.deepEqual(Array.from(box), [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
  const left = makeMask({ kind: 'half', side: 'left' }, 2, 4);
  assert.deepEqual(Array.from(left), [0, 0, 1, 1, 0, 0, 1, 1]);
  const right = makeMask({ kind: 'half', side: 'right' }, 2, 4);
  assert.deepEqual(Array.from(right), [1, 1, 0, 0, 1, 1, 0, 0]);
  const a = orthonormalRows(50, 200, 3);
  let worst = 0;
  for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) {
    let s = 0;
    for (let k = 0; k < 200; k++) s += a[i * 200 + k] * a[j * 200 + k];
    worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
  }
  assert.ok(worst < 1e-12, `A A^T - I = ${worst}`);
  const k = gaussianBlurMatrix(20, 1.5);
  let row = 0;
  for (let j = 0; j < 20; j++) row += k[10 * 20 + j];
  assert.ok(Math.abs(row - 1) < 1e-12);
});

test('noise lands on measured values only: inpainting noise is zero at missing pixels', () => {
  const op = InpaintOperator.fromSpec([6, 6, 1], { kind: 'box', size: 4 });
  const x = tf.zeros([1, 6, 6, 1]);
  const y = measure(op, x, 0.5, new Rng(1));
  const v = y.dataSync();
  const m = op.mask.dataSync();
  for (let k = 0; k < 36; k++) if (m[k] === 0) assert.equal(v[k], 0);
  assert.ok(maxAbs(v) > 0.05);
  tf.dispose([x, y]);
  op.dispose();
});

test('symmetric measurement: y of [0, 1] images maps to A (2 x - 1)', () => {
  for (const [, make] of operators()) {
    const op = make();
    const x = tf.tensor(new Rng(2).uniformArray(2 * op.imageShape.reduce((a, b) => a * b, 1)), [2, ...op.imageShape]);
    const [ys, direct] = tf.tidy(() => [symmetricMeasurement(op, op.apply(x)), op.apply(tf.sub(tf.mul(x, 2), 1))]);
    assert.ok(maxAbsDiff(ys.dataSync(), direct.dataSync()) < 1e-5);
    tf.dispose([x, ys, direct]);
    op.dispose();
  }
});
