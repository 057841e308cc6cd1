/** Writes that never leave a half-written file: write beside the target, then rename over it. */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { UserError } from '../util/errors.js';

let counter = 0;
function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
}

/**
 * The pid of the process that made `name` with tempName, or null when `name` is not such a
 * temporary: a process killed mid-write leaves these behind, and only their maker renames them.
 */
export function tempOwner(name: string): number | null {
  const m = /^\..+\.tmp-(\d+)-\d+$/.exec(name);
  return m ? Number(m[1]) : null;
}

const REASONS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is a file, not a directory',
  ENOENT: 'no such file or directory',
  EEXIST: 'a file of that name exists',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
};

/** "read-only file system (EROFS)" for an fs error; the message for anything else. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code) return REASONS[code] ? `${REASONS[code]} (${code})` : code;
  return (e as Error)?.message?.split('\n')[0] ?? String(e);
}

/**
 * mkdir -p without node's `recursive: true`, which loops forever on some virtual file systems
 * (`mkdir('/proc/x', { recursive: true })` never returns: mkdir says ENOENT although the parent
 * exists, and node retries). Each missing component is created once, parents first; any
 * failure is a one-line UserError naming the directory and the reason.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  if (dir === '') throw new UserError('cannot create a directory with an empty name');
  let cur = dir;
  for (;;) {
    let s: Awaited<ReturnType<typeof stat>> | null = null;
    try {
      s = await stat(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UserError(`cannot create directory ${dir}: ${fsReason(e)}`);
    }
    if (s) {
      if (!s.isDirectory()) throw new UserError(`cannot create directory ${dir}: ${cur} is a file, not a directory`);
      break;
    }
    missing.push(cur);
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(d).catch(() => null))?.isDirectory()) continue;
      throw new UserError(`cannot create directory ${d}: ${fsReason(e)}`);
    }
  }
}

/** Writes `data` to `path` atomically; failures become one-line UserErrors naming the path. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await makeDirs(dirname(path));
  } catch (e) {
    throw new UserError(`${path}: ${(e as Error).message}`);
  }
  const tmp = tempName(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new UserError(`${path}: cannot write (${fsReason(e)})`);
  }
}

/** Fills a fresh temporary directory with `fill`, then renames it to `dir` (which must not exist). */
export async function writeDirAtomic(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  await makeDirs(dirname(dir));
  const tmp = tempName(dir);
  await makeDirs(tmp);
  try {
    await fill(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
