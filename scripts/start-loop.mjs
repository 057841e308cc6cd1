#!/usr/bin/env node
/**
 * Start genlab many times in a row and count the starts that did their work (issue 11: 7 of 60
 * threaded starts exited 0 having done nothing). Each start is a real `genlab train` on the
 * default 2 threads that must exit 0 AND leave a finished run directory (model/ and a
 * checkpoint); anything else is counted and its stderr kept. Not a test: it takes minutes.
 *
 *   node scripts/start-loop.mjs [--n 200] [--node /path/to/node] [--hog 1] [--threads 2]
 *
 * --hog K runs K busy loops beside it, for a loaded machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { n: { type: 'string', default: '200' }, node: { type: 'string', default: process.execPath }, hog: { type: 'string', default: '1' }, threads: { type: 'string', default: '2' } } });
const n = Number(values.n);
const main = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const hogs = Array.from({ length: Number(values.hog) }, () => spawn(values.node, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
const version = spawnSync(values.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
const root = mkdtempSync(join(tmpdir(), 'genlab-start-loop-'));
const outcomes = new Map();
const failures = [];
const t0 = Date.now();
try {
  for (let i = 0; i < n; i++) {
    const out = join(root, `run${i}`);
    const r = spawnSync(values.node, [main, 'train', 'ddpm', '--data', 'toy:two-moons', '--steps', '1', '--sample-every', '0', '--threads', values.threads, '--quiet', '--out', out], { encoding: 'utf8' });
    const did = existsSync(join(out, 'model')) && existsSync(join(out, 'latest'));
    const key = `exit ${r.status ?? r.signal}, ${did ? 'run written' : 'NO run written'}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (r.status !== 0 || !did) failures.push({ i, key, stderr: r.stderr.trim().split('\n').slice(-3).join(' | ') });
    rmSync(out, { recursive: true, force: true });
    if (process.stderr.isTTY) process.stderr.write(`\r${i + 1}/${n}`);
  }
} finally {
  for (const h of hogs) h.kill();
  rmSync(root, { recursive: true, force: true });
}
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(`node ${version}, ${n} starts with --threads ${values.threads}, ${values.hog} busy loop(s) beside, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
for (const [k, v] of outcomes) console.log(`  ${v} x ${k}`);
for (const f of failures.slice(0, 10)) console.log(`  start ${f.i}: ${f.key}: ${f.stderr}`);
process.exitCode = failures.length === 0 ? 0 : 1;
