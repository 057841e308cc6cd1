/**
 * A process killed with SIGKILL leaves its /tmp/genlab-wasm-<pid>-* folder behind; the next
 * threaded start removes the folders of processes that are gone, and only those.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepStaleDirs } from '../../src/backend/wasm_threads.js';

test('stale wasm worker folders of dead processes are swept, live ones kept', () => {
  const root = mkdtempSync(join(tmpdir(), 'genlab-sweep-'));
  // A pid that certainly ended: a child that has exited.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const dirs = {
    dead: join(root, `genlab-wasm-${dead}-abc123`),
    self: join(root, `genlab-wasm-${process.pid}-def456`),
    parent: join(root, `genlab-wasm-${process.ppid}-ghi789`),
    oldFormat: join(root, 'genlab-wasm-Zq81xA'),
    newOldFormat: join(root, 'genlab-wasm-Yp02wB'),
    other: join(root, 'something-else-1'),
  };
  for (const d of Object.values(dirs)) {
    mkdirSync(d);
    writeFileSync(join(d, 'tfjs-backend-wasm-threaded-simd.worker.js'), '//');
  }
  const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
  utimesSync(dirs.oldFormat, twoHoursAgo, twoHoursAgo);
  sweepStaleDirs(root);
  assert.equal(existsSync(dirs.dead), false, 'folder of a dead process removed');
  assert.equal(existsSync(dirs.oldFormat), false, 'pid-less folder older than an hour removed');
  for (const keep of [dirs.self, dirs.parent, dirs.newOldFormat, dirs.other]) assert.equal(existsSync(keep), true, `${keep} kept`);
});
