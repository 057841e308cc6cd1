/**
 * The native kernels under a sampling profiler. oneDNN 2.x's JIT sgemm points RSP into the heap
 * while it runs (oneDNN issue #4845), so a signal handled on that thread writes over heap
 * memory; `node --cpu-prof` (SIGPROF every ~1 ms) aborted in free() within a few products until
 * the addon held signals back around each library call (native/src/genlab_native.cc,
 * SignalsHeld). A child process runs 300 products and convolutions natively under --cpu-prof
 * and must exit 0 with the same checksum as without the profiler. Skipped, saying why, only
 * when the addon is not built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAddon } from '../../src/backend/native/addon.js';

const CHILD = join(import.meta.dirname, '..', 'fixtures', 'native_under_profiler.ts');
const { addon, reason } = loadAddon();

function run(profile: string | null): { code: number | null; out: { gemm: number; conv: number; sum: number } | null; err: string } {
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', CHILD], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, GENLAB_NATIVE: 'on' } });
  const lines = r.stdout.trim().split('\n');
  return { code: r.status, out: lines.at(-1) === 'ok' ? JSON.parse(lines.at(-2)!) : null, err: r.stderr.slice(-400) };
}

test('native products and convolutions run under node --cpu-prof (signals held back around oneDNN calls)', (t) => {
  if (!addon) {
    if (process.env.GENLAB_NATIVE === 'on') assert.fail(`GENLAB_NATIVE=on but the native addon is ${reason}`);
    t.skip(`native addon ${reason}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'genlab-prof-'));
  try {
    const profiled = run(dir);
    assert.equal(profiled.code, 0, `exit ${profiled.code} under --cpu-prof: ${profiled.err}`);
    assert.ok(profiled.out && profiled.out.gemm >= 300 && profiled.out.conv >= 300, `the calls ran natively: ${JSON.stringify(profiled.out)}`);
    assert.ok(readdirSync(dir).some((f) => f.endsWith('.cpuprofile')), 'a profile was written');
    const plain = run(null);
    assert.equal(plain.code, 0, plain.err);
    assert.equal(profiled.out!.sum, plain.out!.sum, 'the same results with and without the profiler');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
