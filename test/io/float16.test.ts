/**
 * float32 -> binary16 (src/io/float16.ts): bit patterns by hand for exact values, ties to even,
 * subnormals, overflow and NaN; over many random values, tfjs's own float16 decoder (an
 * independent implementation) gives back each value within 2^-11 relative, and the nearest half:
 * no other half is closer. Weights saved with float16 load as float32 through tfjs's loader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { toFloat16, toFloat16Bits } from '../../src/io/float16.js';
import { loadWeights, saveWeights } from '../../src/io/weights.js';
import { Rng } from '../../src/util/rng.js';

/** tfjs's decoder: binary16 bits -> float32, through a manifest entry as a loader sees it. */
function tfjsDecode(bits: Uint16Array): Float32Array {
  const spec: tf.io.WeightsManifestEntry = { name: 'w', shape: [bits.length], dtype: 'float32', quantization: { dtype: 'float16' } };
  const copy = bits.slice();
  return tf.io.decodeWeights(copy.buffer, [spec]).w.dataSync() as Float32Array;
}

test('binary16 bit patterns by hand', () => {
  const cases: [number, number][] = [
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to the smallest subnormal: ties to even (0)
    [1.5 * 2 ** -25, 0x0001], // past halfway: up
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and 1 + 2^-10: ties to even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // halfway between 1 + 2^-10 (odd) and 1 + 2^-9: up to even
    [2 - 2 ** -12, 0x4000], // rounds up across the exponent
    [65520, 0x7c00], // halfway past the largest half: infinity
    [1e6, 0x7c00], [-Infinity, 0xfc00],
  ];
  for (const [x, want] of cases) assert.equal(toFloat16Bits(x), want, `${x}: 0x${toFloat16Bits(x).toString(16)} vs 0x${want.toString(16)}`);
  assert.equal(toFloat16Bits(NaN) & 0x7c00, 0x7c00);
  assert.notEqual(toFloat16Bits(NaN) & 0x3ff, 0, 'NaN stays NaN, not infinity');
});

test('random values: tfjs decodes them within 2^-11 relative, and to the nearest half', async () => {
  await tf.setBackend('cpu');
  const rng = new Rng(4);
  const n = 20_000;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (rng.uniform() - 0.5) * 2 ** Math.floor(rng.uniform() * 30 - 14); // |x| from ~2^-15 to 2^15
  const bits = toFloat16(x);
  const back = tfjsDecode(bits);
  const up = tfjsDecode(bits.map((b) => b + 1));
  const down = tfjsDecode(bits.map((b) => (b & 0x7fff ? b - 1 : b)));
  for (let i = 0; i < n; i++) {
    const err = Math.abs(back[i] - x[i]);
    if (Math.abs(x[i]) >= 2 ** -14) assert.ok(err <= Math.abs(x[i]) * 2 ** -11, `${x[i]} -> ${back[i]}`);
    else assert.ok(err <= 2 ** -25, `subnormal ${x[i]} -> ${back[i]}`);
    // No neighbouring half is closer (the neighbours of a positive/negative half by one ulp).
    assert.ok(err <= Math.abs(up[i] - x[i]) && err <= Math.abs(down[i] - x[i]), `${x[i]}: a neighbour is nearer`);
  }
});

test('saveWeights with float16: half the bytes, read back as float32 by the loader', async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'genlab-f16-'));
  const w = tf.tensor([[0.1, -3.7, 1000.5], [2 ** -20, 7, -0.333]]);
  const steps = tf.tensor([3, 4], [2], 'int32');
  await saveWeights(dir, 'model', [['w', w], ['steps', steps]], { model: 'test' }, undefined, { float16: true });
  assert.equal(statSync(join(dir, 'weights.bin')).size, 6 * 2 + 2 * 4, 'float32 as 2 bytes, int32 as they are');
  const back = await loadWeights(dir, 'model');
  const got = back.tensors.get('w')!;
  assert.equal(got.dtype, 'float32');
  assert.deepEqual(got.shape, [2, 3]);
  const wv = w.dataSync();
  got.dataSync().forEach((v, i) => assert.ok(Math.abs(v - wv[i]) <= Math.abs(wv[i]) * 2 ** -11 + 2 ** -25, `${wv[i]} -> ${v}`));
  assert.deepEqual(Array.from(back.tensors.get('steps')!.dataSync()), [3, 4]);
  tf.dispose([w, steps, ...back.tensors.values()]);
});
