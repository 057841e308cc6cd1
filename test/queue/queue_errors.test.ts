/** A malformed --queue or an unreachable Redis: one line naming --queue, exit status 2, nothing done (no Redis needed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const genlabSync = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

/** A port nothing listens on (just released by a server bound to it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('a malformed --queue and an unreachable Redis: one line naming --queue, exit 2, nothing written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-queue-bad-'));
  const cfg = join(dir, 'sweep.json');
  writeFileSync(cfg, JSON.stringify({ model: 'ddpm', args: [], seeds: [0], eval: [], metric: 'mmd' }));
  const port = await freePort(); // nothing listens there
  const cases = [
    ['sweep', '--config', cfg, '--out', join(dir, 'a'), '--queue', 'localhost:6379'],
    ['sweep', '--config', cfg, '--out', join(dir, 'b'), '--queue', `redis://127.0.0.1:${port}`],
    ['worker', '--queue', 'http://127.0.0.1:6379'],
    ['worker', '--queue', `redis://127.0.0.1:${port}`],
  ];
  const said = cases.map((args) => {
    const r = genlabSync(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^genlab: --queue /);
    return lines[0];
  });
  assert.match(said[0], /localhost:6379: no scheme/);
  assert.match(said[1], new RegExp(`cannot reach Redis \\(ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)`));
  assert.match(said[2], /scheme must be redis:\/\/ or rediss:\/\/, not http:/);
  assert.match(said[3], /cannot reach Redis \(ECONNREFUSED/);
  assert.ok(!existsSync(join(dir, 'a')) && !existsSync(join(dir, 'b')), 'nothing was created');
});
