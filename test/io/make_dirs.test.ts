/** makeDirs: mkdir -p that fails with one line instead of spinning (node's recursive mkdir loops forever under /proc). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs, writeFileAtomic } from '../../src/io/atomic.js';
import { UserError } from '../../src/util/errors.js';

test('makeDirs creates missing parents, accepts existing directories, refuses files in the way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-mkdirs-'));
  try {
    await makeDirs(join(dir, 'a', 'b', 'c'));
    assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
    await makeDirs(join(dir, 'a', 'b')); // exists: fine
    writeFileSync(join(dir, 'f'), 'x');
    await assert.rejects(makeDirs(join(dir, 'f', 'sub')), (e: Error) => e instanceof UserError && /f is a file, not a directory/.test(e.message));
    await assert.rejects(writeFileAtomic(join(dir, 'f', 'x.png'), 'x'), (e: Error) => e instanceof UserError && e.message.startsWith(join(dir, 'f', 'x.png')));
    assert.ok(!existsSync(join(dir, 'f', 'sub')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('makeDirs under /proc fails at once with a UserError (no endless loop)', { skip: !existsSync('/proc/self'), timeout: 10_000 }, async () => {
  await assert.rejects(makeDirs('/proc/genlab-test-dir/run'), (e: Error) => e instanceof UserError && /cannot create directory \/proc\/genlab-test-dir/.test(e.message));
});
