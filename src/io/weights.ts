/**
 * Named tensors in the TensorFlow.js weights format: NAME.json holds a `weightsManifest`
 * (names, shapes, dtypes) pointing at the binary file, so `tf.io` loaders and browsers read the
 * same files: model.json + weights.bin (tfjs's usual names), other sets NAME.json + NAME.bin.
 * model.json additionally carries `format: "genlab"` and the run config as topology. Readers
 * follow the manifest's `paths`, so older folders with model.bin still load.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { UserError } from '../util/errors.js';

export interface WeightsFile {
  format: 'genlab';
  generatedBy: string;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  /** Free-form extra data (e.g. optimiser step counts). */
  userDefinedMetadata?: Record<string, unknown>;
}

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
export async function loadWeightsManifest(dir: string, name: string): Promise<WeightsFile> {
  const jsonPath = join(dir, `${name}.json`);
  try {
    return JSON.parse(await readFile(jsonPath, 'utf8')) as WeightsFile;
  } catch (e) {
    throw new UserError(`${jsonPath}: cannot read weights manifest (${(e as Error).message.split('\n')[0]})`);
  }
}

export async function loadWeights(dir: string, name: string): Promise<{ tensors: Map<string, tf.Tensor>; json: WeightsFile }> {
  const jsonPath = join(dir, `${name}.json`);
  const json = await loadWeightsManifest(dir, name);
  const group = json.weightsManifest?.[0];
  if (!group) throw new UserError(`${jsonPath}: no weightsManifest`);
  const binPath = join(dir, group.paths[0]);
  const buf = await readFile(binPath).catch(() => {
    throw new UserError(`${binPath}: weights file missing`);
  });
  const bytes = (dtype: string) => (dtype === 'bool' || dtype === 'uint8' ? 1 : dtype === 'float16' ? 2 : 4);
  const expected = group.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * bytes(w.quantization?.dtype ?? w.dtype), 0);
  if (buf.byteLength !== expected) throw new UserError(`${binPath}: ${buf.byteLength} bytes, manifest expects ${expected}`);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const decoded = tf.io.decodeWeights(ab, group.weights);
  return { tensors: new Map(Object.entries(decoded)), json };
}

/** Assigns loaded tensors to variables by name; every variable must be present with its shape. */
export function assignByName(vars: [string, tf.Variable][], tensors: Map<string, tf.Tensor>, where: string): void {
  for (const [name, v] of vars) {
    const t = tensors.get(name);
    if (!t) throw new UserError(`${where}: no weight named '${name}'`);
    if (t.shape.join(',') !== v.shape.join(',')) throw new UserError(`${where}: '${name}' has shape [${t.shape}], the model expects [${v.shape}]`);
    v.assign(t);
  }
}
