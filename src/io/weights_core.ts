/**
 * Reading named tensors in the TensorFlow.js weights format (weights.ts has the format and the
 * writer) from a WeightsSource, so the same code loads from a folder or a URL. Readers follow
 * the manifest's `paths`, so older folders with model.bin still load.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../util/errors.js';
import { readText, type WeightsSource } from './weights_source.js';

export interface WeightsFile {
  format: 'genlab';
  generatedBy: string;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  /** Free-form extra data (e.g. optimiser step counts). */
  userDefinedMetadata?: Record<string, unknown>;
}

const inFolder = (folder: string, file: string) => (folder ? `${folder}/${file}` : file);

/** Reads FOLDER/NAME.json (the manifest only, no weights). */
export async function readWeightsManifest(source: WeightsSource, folder: string, name: string): Promise<WeightsFile> {
  const path = inFolder(folder, `${name}.json`);
  try {
    return JSON.parse(await readText(source, path)) as WeightsFile;
  } catch (e) {
    throw new UserError(`${source.where(path)}: cannot read weights manifest (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Reads FOLDER/NAME.json and the weights file it names, checked against the manifest's sizes. */
export async function readWeights(source: WeightsSource, folder: string, name: string): Promise<{ tensors: Map<string, tf.Tensor>; json: WeightsFile }> {
  const json = await readWeightsManifest(source, folder, name);
  const group = json.weightsManifest?.[0];
  if (!group) throw new UserError(`${source.where(inFolder(folder, `${name}.json`))}: no weightsManifest`);
  const binPath = inFolder(folder, group.paths[0]);
  const buf = await source.read(binPath).catch(() => {
    throw new UserError(`${source.where(binPath)}: weights file missing`);
  });
  const bytes = (dtype: string) => (dtype === 'bool' || dtype === 'uint8' ? 1 : dtype === 'float16' ? 2 : 4);
  const expected = group.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * bytes(w.quantization?.dtype ?? w.dtype), 0);
  if (buf.byteLength !== expected) throw new UserError(`${source.where(binPath)}: ${buf.byteLength} bytes, manifest expects ${expected}`);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
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
