/** Shared helpers of the restoration tests: dense matrices of operators and an independent pseudo-inverse. */
import * as tf from '@tensorflow/tfjs-core';
import { symEigen } from '../../src/math/linalg.js';
import type { LinearOperator } from '../../src/restore/operators/operator.js';

/** The dense matrix of a linear map, [rows = output size, cols = input size], float64, built column by column from basis vectors. */
export function denseOf(f: (x: tf.Tensor) => tf.Tensor, inShape: number[]): { m: Float64Array; rows: number; cols: number } {
  const cols = inShape.reduce((a, b) => a * b, 1);
  const eye = tf.eye(cols);
  const out = tf.tidy(() => f(tf.reshape(eye, [cols, ...inShape])));
  const rows = out.size / cols;
  const v = out.dataSync(); // row k = f(e_k), i.e. column k of the matrix
  tf.dispose([eye, out]);
  const m = new Float64Array(rows * cols);
  for (let k = 0; k < cols; k++) for (let r = 0; r < rows; r++) m[r * cols + k] = v[k * rows + r];
  return { m, rows, cols };
}

export const denseA = (op: LinearOperator) => denseOf((x) => op.apply(x), op.imageShape);
export const denseAPinv = (op: LinearOperator) => denseOf((y) => op.pinv(y), op.measurementShape);

/**
 * Moore-Penrose pseudo-inverse of an [n, m] matrix from the eigen-decomposition of A^T A
 * (float64, independent of the operators' own code):
 *   A^T A = V diag(l) V^T,   A+ = V diag(1 / l, for l > tol) V^T A^T.
 */
export function pinvDense(a: Float64Array, n: number, m: number, relTol = 1e-8): Float64Array {
  const ata = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += a[r * m + i] * a[r * m + j];
    ata[i * m + j] = s;
  }
  const { values, vectors } = symEigen(ata, m);
  const top = Math.max(...values);
  // B = V diag(1/l) V^T  [m, m]
  const b = new Float64Array(m * m);
  for (let k = 0; k < m; k++) {
    if (values[k] <= relTol * top) continue;
    const inv = 1 / values[k];
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) b[i * m + j] += inv * vectors[k * m + i] * vectors[k * m + j];
  }
  // A+ = B A^T  [m, n]
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += b[i * m + j] * a[r * m + j];
    out[i * n + r] = s;
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
