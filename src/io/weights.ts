/**
 * Named tensors in the TensorFlow.js weights format: NAME.json holds a `weightsManifest`
 * (names, shapes, dtypes) pointing at the binary file, so `tf.io` loaders and browsers read the
 * same files: model.json + weights.bin (tfjs's usual names), other sets NAME.json + NAME.bin.
 * model.json additionally carries `format: "genlab"` and the run config as topology. This file
 * writes them and reads them from folders (Node); weights_core.ts reads them from any source.
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { dirSource } from './dir_source.js';
import { readWeights, readWeightsManifest, type WeightsFile } from './weights_core.js';

export { assignByName, type WeightsFile } from './weights_core.js';

export async function saveWeights(
  dir: string,
  name: string,
  tensors: [string, tf.Tensor][],
  topology: unknown,
  metadata?: Record<string, unknown>,
): Promise<void> {
  const map: tf.NamedTensorMap = {};
  for (const [k, t] of tensors) map[k] = t;
  const { data, specs } = await tf.io.encodeWeights(map);
  const bin = name === 'model' ? 'weights.bin' : `${name}.bin`;
  const json: WeightsFile = {
    format: 'genlab',
    generatedBy: 'genlab',
    modelTopology: topology,
    weightsManifest: [{ paths: [bin], weights: specs }],
    ...(metadata ? { userDefinedMetadata: metadata } : {}),
  };
  await writeFileAtomic(join(dir, bin), new Uint8Array(data));
  await writeFileAtomic(join(dir, `${name}.json`), JSON.stringify(json, null, 1));
}

/** Reads DIR/NAME.json (the manifest only, no weights). */
export function loadWeightsManifest(dir: string, name: string): Promise<WeightsFile> {
  return readWeightsManifest(dirSource(dir), '', name);
}

export function loadWeights(dir: string, name: string): Promise<{ tensors: Map<string, tf.Tensor>; json: WeightsFile }> {
  return readWeights(dirSource(dir), '', name);
}
