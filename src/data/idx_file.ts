/**
 * IDX files (idx.ts) from the file system. Files may be gzip-compressed; that is detected from
 * the magic bytes 1f 8b, not the name.
 */
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { UserError } from '../util/errors.js';
import { parseIdx, type IdxArray } from './idx.js';

const gunzipAsync = promisify(gunzip);

/** Reads a file, reporting a missing or unreadable one as a UserError. */
export async function readFileOrFail(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError(`${path}: file not found`);
    if (err.code === 'EISDIR') throw new UserError(`${path}: is a directory, expected a file`);
    throw new UserError(`${path}: cannot read (${err.code ?? err.message})`);
  }
}

/** Reads a file and gunzips it if it starts with the gzip magic bytes 1f 8b. */
export async function readMaybeGzip(path: string): Promise<Uint8Array> {
  const raw = await readFileOrFail(path);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return await gunzipAsync(raw);
    } catch (e) {
      const msg = (e as Error).message;
      throw new UserError(`${path}: corrupt or truncated gzip data (${msg})`);
    }
  }
  return raw;
}

export async function readIdx(path: string): Promise<IdxArray> {
  return parseIdx(await readMaybeGzip(path), path);
}
