/**
 * The studio's server (scripts/studio/serve.ts): every response carries the cross-origin
 * isolation headers the threaded wasm build needs; files outside the site and the runs folder
 * are not served; /runs/index.json lists the exported runs (folders with a config.json).
 * And scripts/studio.ts refuses bad arguments with one line and status 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStudio } from '../../scripts/studio/serve.js';
import { ROOT } from '../../scripts/studio/build.js';

test('the studio server sends COOP/COEP, serves the site and the runs, nothing else', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-studio-server-'));
  try {
    const site = join(dir, 'site');
    const runs = join(dir, 'runs');
    mkdirSync(join(site, 'wasm'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html>');
    writeFileSync(join(site, 'wasm', 'a.wasm'), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(dir, 'secret.txt'), 'no');
    mkdirSync(join(runs, 'mine', 'model'), { recursive: true });
    writeFileSync(join(runs, 'mine', 'config.json'), '{}');
    mkdirSync(join(runs, 'not-a-run'));
    const server = await serveStudio(site, { runs });
    try {
      const get = (p: string) => fetch(new URL(p, server.url));
      const home = await get('/');
      assert.equal(home.status, 200);
      assert.equal(home.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(home.headers.get('cross-origin-embedder-policy'), 'require-corp');
      assert.equal(await home.text(), '<!doctype html>');
      const wasm = await get('/wasm/a.wasm');
      assert.equal(wasm.headers.get('content-type'), 'application/wasm');
      assert.deepEqual(await (await get('/runs/index.json')).json(), ['mine']);
      assert.equal((await get('/runs/mine/config.json')).status, 200);
      for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/runs/../../secret.txt', '/runs/%2e%2e/secret.txt', '/missing.js']) {
        const r = await get(p);
        assert.equal(r.status, 404, p);
        assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp', `${p}: errors are isolated too`);
      }
      assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scripts/studio.ts: bad arguments exit 2 with one line', () => {
  const cases: [string[], RegExp][] = [
    [['fly'], /first argument must be 'serve' or 'build'/],
    [['serve', '--port', 'abc'], /--port must be a whole number/],
    [['serve', '--port', '70000'], /--port must be a whole number/],
    [['serve', '--runs', '/nonexistent-genlab-runs'], /--runs .*: no such folder/],
    [['build', '--port', '1'], /--port and --runs apply to serve/],
    [['build', '--colour', 'red'], /colour/],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'studio.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^studio: /);
    assert.match(lines[0], message);
  }
});
