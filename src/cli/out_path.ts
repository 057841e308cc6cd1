/**
 * The checks every command that writes makes on its output paths before any work (before data
 * is loaded or a backend started), so that a bad --out is one line and exit status 2, never a
 * stack trace after minutes of work, and never a hang:
 *   - an empty path;
 *   - a directory output naming an existing file, or a file output naming a directory or a
 *     device;
 *   - a path under a file (some parent is a regular file);
 *   - a nearest existing ancestor that cannot be written: a read-only file system (EROFS),
 *     no permission (EACCES), or a virtual file system such as /proc or /sys (where node's
 *     recursive mkdir would spin forever);
 *   - for run directories, a directory that already holds another kind of run.
 * The directories themselves are created later, by makeDirs (src/io/atomic.ts).
 */
import { accessSync, constants, readdirSync, statSync, statfsSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../util/errors.js';
import { fsReason } from '../io/atomic.js';
import { runKindOf, describeRunKind } from '../train/run_kind.js';

/** statfs f_type of file systems that cannot hold ordinary files. */
const VIRTUAL_FS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0x1cd1: 'devpts',
  0x6165676c: 'pstore',
  0xcafe4a11: 'bpf',
  0x42494e4d: 'binfmt_misc',
  0xf97cff8c: 'selinuxfs',
  0x19800202: 'mqueue',
};

function statOrNull(p: string, option: string, path: string): Stats | null {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new UserError(`${option} ${path}: cannot use ${p}: ${fsReason(e)}`);
  }
}

/** Checks that `dir` (an existing directory) can receive new files. */
function checkWritableDir(dir: string, option: string, path: string): void {
  try {
    const fs = VIRTUAL_FS[Number(statfsSync(dir).type)];
    if (fs) throw new UserError(`${option} ${path}: ${dir} is on ${fs}, a virtual file system that cannot hold files; choose a directory on disk`);
  } catch (e) {
    if (e instanceof UserError) throw e; // statfs unavailable: the access check below still runs
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS') throw new UserError(`${option} ${path}: ${dir} is on a read-only file system (EROFS); choose a writable directory`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${option} ${path}: no permission to write in ${dir} (${code})`);
    throw new UserError(`${option} ${path}: cannot write in ${dir}: ${fsReason(e)}`);
  }
}

/** The nearest existing ancestor of `p` (p itself included); UserError when it is a file. */
function existingAncestor(p: string, option: string, path: string): string {
  let cur = p;
  for (;;) {
    const s = statOrNull(cur, option, path);
    if (s) {
      if (!s.isDirectory()) throw new UserError(`${option} ${path}: ${cur} is a file, so nothing can be created under it`);
      return cur;
    }
    const up = dirname(cur);
    if (up === cur) return cur;
    cur = up;
  }
}

/**
 * A directory to be created or written into (`genlab train --out`, `fit --out`, `sweep --out`).
 * `option` names the option in messages (default --out).
 */
export function checkOutDir(path: string | undefined, option = '--out'): void {
  if (path === undefined) return;
  if (path.trim() === '') throw new UserError(`${option}: empty path; name a directory`);
  const s = statOrNull(path, option, path);
  if (s && !s.isDirectory()) throw new UserError(`${option} ${path}: is an existing file, not a directory`);
  checkWritableDir(s ? path : existingAncestor(dirname(path), option, path), option, path);
}

/** An output file (an image, a plot, CSV/JSON samples): replaced atomically when it exists. */
export function checkOutFile(path: string | undefined, option = '--out'): void {
  if (path === undefined) return;
  if (path.trim() === '') throw new UserError(`${option}: empty path; name a file`);
  if (/[/\\]$/.test(path)) throw new UserError(`${option} ${path}: names a directory; name a file (e.g. ${path}samples.png)`);
  const s = statOrNull(path, option, path);
  if (s?.isDirectory()) throw new UserError(`${option} ${path}: is a directory; name a file inside it`);
  if (s && !s.isFile()) throw new UserError(`${option} ${path}: is not a regular file (a device, pipe or socket); name a file`);
  checkWritableDir(existingAncestor(dirname(path), option, path), option, path);
}

/**
 * A run directory that `genlab train` (kind 'train'), `genlab fit` ('fit') or `genlab sweep`
 * ('sweep') is about to write: checkOutDir, then refuses a directory holding another run.
 * train (without --resume) also refuses any non-empty directory, as the training loop does;
 * 'resume' needs an existing training run and refuses a fit.
 */
export function checkRunOut(path: string | undefined, kind: 'train' | 'resume' | 'fit' | 'sweep', option = '--out'): void {
  checkOutDir(path, option);
  if (path === undefined) return;
  const held = runKindOf(path);
  if (kind === 'fit' && held === 'train') {
    throw new UserError(`${option} ${path}: already holds ${describeRunKind('train')}; a fit written there would be mixed up with it; choose another directory`);
  }
  if ((kind === 'train' || kind === 'resume') && held === 'fit') {
    throw new UserError(`${option} ${path}: already holds ${describeRunKind('fit')}; choose another directory for the training run`);
  }
  if (kind === 'sweep' && held) {
    throw new UserError(`${option} ${path}: holds ${describeRunKind(held)}, not a sweep; choose another directory`);
  }
  if (kind === 'train') {
    let entries: string[] = [];
    try {
      entries = readdirSync(path);
    } catch {
      // does not exist yet
    }
    if (entries.length > 0) {
      throw new UserError(`${option} ${path} already exists and is not empty; pass --resume to continue it or choose another directory`);
    }
  }
}
