/**
 * A command whose work never settles must not exit 0 (issue 11: a stalled threaded wasm start
 * exited 0 having done nothing). Each case runs a small script in a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const GUARD = join(import.meta.dirname, '..', '..', 'src', 'cli', 'exit_guard.ts');
const run = (body: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { guardUnfinished } from ${JSON.stringify(GUARD)};\n${body}`], { encoding: 'utf8' });

test('work left pending with an empty event loop exits 70 with one line, not 0', () => {
  const r = run('guardUnfinished(new Promise(() => {}));');
  assert.equal(r.status, 70, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^genlab: internal error: the process ran out of work before the command finished/);
});

test('finished work keeps its own status, and so does a deliberate exit', () => {
  const ok = run('guardUnfinished(Promise.resolve(0)).then((c) => { process.exitCode = c; });');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stderr, '');
  const failed = run('guardUnfinished(Promise.reject(new Error("x"))).catch(() => { process.exitCode = 1; });');
  assert.equal(failed.status, 1);
  const interrupted = run('guardUnfinished(new Promise(() => {})); setTimeout(() => process.exit(130), 10);');
  assert.equal(interrupted.status, 130, interrupted.stderr);
  assert.equal(interrupted.stderr, '');
});
