/**
 * genlab's weight files are TensorFlow.js artifacts: tfjs's own HTTP loader (what a browser
 * uses) reads model.json + weights.bin and gives back the same tensors genlab saved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { saveWeights, loadWeights } from '../../src/io/weights.js';

test('tf.io.http loads a genlab model.json and its weights', async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'genlab-w-'));
  const a = tf.tensor([[1.5, -2], [3, 4.25]]);
  const b = tf.tensor([0.125, 7, -9]);
  await saveWeights(dir, 'model', [['layer.kernel', a], ['layer.bias', b]], { model: 'test' });
  // Serve the directory to tfjs's HTTP handler through a fetch that reads files.
  const fetchFunc = async (url: string) => new Response(readFileSync(join(dir, url.replace('http://local/', ''))));
  const artifacts = await tf.io.http('http://local/model.json', { fetchFunc: fetchFunc as unknown as typeof fetch }).load!();
  const decoded = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs!);
  assert.deepEqual(Array.from(decoded['layer.kernel'].dataSync()), [1.5, -2, 3, 4.25]);
  assert.deepEqual(decoded['layer.kernel'].shape, [2, 2]);
  assert.deepEqual(Array.from(decoded['layer.bias'].dataSync()), [0.125, 7, -9]);
  assert.deepEqual(artifacts.modelTopology, { model: 'test' });
  const back = await loadWeights(dir, 'model');
  assert.deepEqual(Array.from(back.tensors.get('layer.bias')!.dataSync()), [0.125, 7, -9]);
});
