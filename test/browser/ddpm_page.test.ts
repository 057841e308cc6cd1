/**
 * The core in a browser (issue 12): genlab's core entry, bundled for the browser, runs in
 * Debian's chromium driven by playwright-core; it starts wasm with the kernel pack (2 threads when
 * the page is served cross-origin isolated, 1 when not), loads pretrained:ddpm-mnist over HTTP
 * from 127.0.0.1 and samples 4 images with DDIM-10. Node samples the same from disk with the same
 * code (ddim_sample.ts), and the pixels agree. Skipped only without /usr/bin/chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { OutgoingHttpHeaders } from 'node:http';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadRun, pretrainedDir } from '../../src/node/index.js';
import { heapKernelsFor } from '../../src/backend/wasm/heap_kernels.js';
import { serveStatic, ISOLATION_HEADERS } from '../fixtures/static_server.js';
import { bundleForBrowser } from './bundle.js';
import { ddimPixels, SAMPLE } from './ddim_sample.js';
import type { PageResult } from './page.js';

const CHROMIUM = '/usr/bin/chromium';
const HERE = dirname(fileURLToPath(import.meta.url));
const WASM_DIST = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Max |page - node| per pixel; the test's last lines say why. */
const TOLERANCE = 1e-4;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Serves the bundle, the wasm binaries and the model, opens the page in chromium and samples there. */
async function samplePage(site: string, headers: OutgoingHttpHeaders): Promise<PageResult & { seconds: number }> {
  const server = await serveStatic({ '/wasm/': WASM_DIST, '/models/ddpm-mnist/': join(pretrainedDir(), 'ddpm-mnist'), '/': site }, headers);
  const profile = mkdtempSync(join(tmpdir(), 'genlab-chromium-'));
  const { chromium } = await import('playwright-core');
  const t0 = performance.now();
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const errors: string[] = [];
  try {
    const tab = await context.newPage();
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await tab.goto(server.url);
    await tab.waitForFunction(() => 'genlabSample' in globalThis);
    const r = await tab.evaluate(
      (opts) => (globalThis as unknown as { genlabSample(o: typeof opts): Promise<PageResult> }).genlabSample(opts),
      { wasmPaths: `${server.url}wasm/`, model: `${server.url}models/ddpm-mnist/`, threads: 2 },
    );
    assert.deepEqual(errors, [], 'errors in the page');
    return { ...r, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const describe = (r: PageResult & { seconds: number }) =>
  `${r.seconds.toFixed(1)} s (wasm ${r.simd ? 'simd' : 'no simd'}, ${r.threads} thread${r.threads === 1 ? '' : 's'}, heap kernels ${r.relaxedSimd ? 'relaxed' : 'plain'} simd: init ${r.ms.init.toFixed(0)} ms, load over HTTP ${r.ms.load.toFixed(0)} ms, DDIM-${SAMPLE.steps} of ${SAMPLE.n} ${r.ms.sample.toFixed(0)} ms)`;

test('the core bundle samples pretrained:ddpm-mnist in chromium (wasm, 2 threads when isolated) as Node does', { timeout: 300_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(`${CHROMIUM} is absent (.ci/run installs the apt package chromium)`);
  const site = mkdtempSync(join(tmpdir(), 'genlab-page-'));
  let isolated: PageResult & { seconds: number };
  let plain: PageResult & { seconds: number };
  const t0 = performance.now();
  try {
    const { bytes } = await bundleForBrowser(join(HERE, 'page.ts'), join(site, 'page.js'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>genlab</title><link rel="icon" href="data:,"><script type="module" src="page.js"></script>\n');
    t.diagnostic(`core bundle ${(bytes / 1e6).toFixed(2)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    isolated = await samplePage(site, ISOLATION_HEADERS);
    plain = await samplePage(site, {});
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
  t.diagnostic(`chromium, cross-origin isolated: ${describe(isolated)}`);
  t.diagnostic(`chromium, not isolated: ${describe(plain)}`);
  for (const r of [isolated, plain]) {
    assert.equal(r.backend, 'wasm');
    assert.equal(r.kernelPack, true);
    assert.equal(r.heapKernels, true, "genlab's heap-kernel module runs in the page");
    assert.equal(r.pixels.length, SAMPLE.n * 28 * 28);
  }
  assert.equal(isolated.isolated, true);
  assert.equal(isolated.threads, 2, 'two threads in an isolated page');
  assert.equal(plain.isolated, false);
  assert.equal(plain.threads, 1, 'no SharedArrayBuffer without isolation: one thread');

  const t1 = performance.now();
  const info = await initBackend({ backend: 'wasm', threads: 2 });
  const run = await loadRun('pretrained:ddpm-mnist');
  const node = await ddimPixels(run.model);
  run.model.dispose();
  const k = heapKernelsFor(tf.backend());
  const nodeRelaxed = k !== undefined && 'relaxed' in k && k.relaxed === true;
  const d2 = maxAbsDiff(isolated.pixels, node);
  const d1 = maxAbsDiff(plain.pixels, node);
  t.diagnostic(`node ${((performance.now() - t1) / 1000).toFixed(1)} s (wasm, ${info.threads} threads, heap kernels ${nodeRelaxed ? 'relaxed' : 'plain'} simd); max |page - node| over ${node.length} pixels: ${d2.toExponential(2)} (2 threads), ${d1.toExponential(2)} (1 thread); tolerance ${TOLERANCE}`);
  // The tolerance. Same kernels on both sides, and XNNPACK splits work between threads by output
  // tiles, so the thread count reorders no output's sum: with the same variant of genlab's heap
  // module, page 1 or 2 threads against Node 1 or 2 threads measured 0 exactly. Chromium
  // validates relaxed SIMD and so runs that module's fused multiply-adds where Node 20 (without
  // V8's flag) runs mul + add: 5.0e-6 at most. Another correct order of the float sums (Node's
  // cpu backend instead of wasm) gives 4.8e-6. 1e-4 leaves 20 times these (and is 1/40 of an
  // 8-bit grey level), while a wrong kernel, wrong weights or another noise stream make other
  // images (differences near 1).
  assert.ok(Number.isFinite(d2) && d2 <= TOLERANCE, `page (2 threads) and node differ by ${d2}`);
  assert.ok(Number.isFinite(d1) && d1 <= TOLERANCE, `page (1 thread) and node differ by ${d1}`);
});
