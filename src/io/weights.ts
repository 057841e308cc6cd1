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
import { toFloat16 } from './float16.js';

export { assignByName, type WeightsFile } from './weights_core.js';

export async function saveWeights(
  dir: string,
  name: string,
  tensors: [string, tf.Tensor][],
  topology: unknown,
  metadata?: Record<string, unknown>,
  options: { float16?: boolean } = {},
): Promise<void> {
  const { data, specs } = options.float16 ? await encodeFloat16(tensors) : await tf.io.encodeWeights(Object.fromEntries(tensors));
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

/**
 * Like tf.io.encodeWeights, with every float32 tensor stored as binary16 (float16.ts) under
 * `quantization: { dtype: 'float16' }`, which tf.io.decodeWeights turns back into float32.
 * Other dtypes are written as they are.
 */
async function encodeFloat16(tensors: [string, tf.Tensor][]): Promise<{ data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] }> {
  const buffers: ArrayBuffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const [name, t] of tensors) {
    if (t.dtype === 'float32') {
      buffers.push(toFloat16((await t.data()) as Float32Array).buffer as ArrayBuffer); // a fresh Uint16Array: its own whole buffer
      specs.push({ name, shape: t.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
    } else {
      const one = await tf.io.encodeWeights({ [name]: t });
      buffers.push(one.data);
      specs.push(...one.specs);
    }
  }
  return { data: tf.io.concatenateArrayBuffers(buffers), specs };
}

/** Reads DIR/NAME.json (the manifest only, no weights). */
export function loadWeightsManifest(dir: string, name: string): Promise<WeightsFile> {
  return readWeightsManifest(dirSource(dir), '', name);
}

export function loadWeights(dir: string, name: string): Promise<{ tensors: Map<string, tf.Tensor>; json: WeightsFile }> {
  return readWeights(dirSource(dir), '', name);
}
