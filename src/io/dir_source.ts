/** A run directory on the file system as a WeightsSource (weights_source.ts). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WeightsSource } from './weights_source.js';

export function dirSource(dir: string): WeightsSource {
  const at = (path: string) => join(dir, ...path.split('/'));
  return {
    root: dir,
    where: at,
    exists: async (path) => existsSync(at(path)),
    read: async (path) => {
      const b = await readFile(at(path));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
  };
}
