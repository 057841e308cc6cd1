/**
 * The studio's speed in the page against Node (issue 17), on the same code (studio/core/):
 *   GAN playground: steps per second of `--steps` steps of the ring of 8 (ns, seed 0);
 *   diffusion: DDIM-50 of 16 images of pretrained:ddpm-mnist (classes 0..9, 0, ..., 5; no guidance).
 * Page: the built studio served with COOP/COEP in Debian's chromium, with 2 wasm threads (as
 * served) and with 1 (?threads=1). Node: the wasm backend with 1 and 2 threads, in child processes
 * (a wasm module starts once per process). Run: node --import tsx scripts/studio-speed.ts [--gan-steps 300]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildStudio, ROOT } from './studio/build.js';
import { serveStudio } from './studio/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const DDIM = { n: 16, steps: 50, sampler: 'ddim', label: 'cycle', guidance: 0, seed: 0, trajectory: false } as const;

interface Speeds {
  where: string;
  ganStepsPerSecond: number;
  ddimSeconds: number;
}

/** The Node side, in this process: `node --import tsx scripts/studio-speed.ts --node-child THREADS STEPS`. */
async function nodeChild(threads: number, ganSteps: number): Promise<Speeds> {
  const { initBackend, loadRun } = await import('../src/node/index.js');
  const { runPlayground } = await import('../studio/core/gan.js');
  const { sampleDigits } = await import('../studio/core/diffusion.js');
  const info = await initBackend({ backend: 'wasm', threads });
  const g = await runPlayground({ source: 'eight-gaussians', loss: 'ns', seed: 0, steps: ganSteps });
  const run = await loadRun('pretrained:ddpm-mnist');
  const d = await sampleDigits(run.model, { ...DDIM });
  run.model.dispose();
  return { where: `node, wasm ${info.threads} thread${info.threads === 1 ? '' : 's'}`, ganStepsPerSecond: ganSteps / g.seconds, ddimSeconds: d.ms / 1000 };
}

async function page(url: string, ganSteps: number): Promise<Speeds> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'genlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--headless', '--disable-gpu'] });
  try {
    const tab = await context.newPage();
    await tab.goto(url);
    await tab.waitForFunction(() => 'studio' in globalThis);
    type W = { studio: import('../studio/main.js').Studio };
    const b = await tab.evaluate(() => (globalThis as unknown as W).studio.ready);
    const g = await tab.evaluate((steps) => (globalThis as unknown as W).studio.gan.run({ source: 'eight-gaussians', loss: 'ns', seed: 0, steps }), ganSteps);
    const d = await tab.evaluate((s) => (globalThis as unknown as W).studio.diffusion.sample(s), { ...DDIM });
    return { where: `chromium, wasm ${b.threads} thread${b.threads === 1 ? '' : 's'}`, ganStepsPerSecond: g.stepsPerSecond, ddimSeconds: d.ms / 1000 };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'gan-steps': { type: 'string' }, 'node-child': { type: 'string' } }, allowPositionals: true });
  const ganSteps = Number(values['gan-steps'] ?? 300);
  if (!(Number.isInteger(ganSteps) && ganSteps > 0)) throw new Error(`--gan-steps must be a positive whole number, got '${values['gan-steps']}'`);
  if (values['node-child'] !== undefined) {
    process.stdout.write(JSON.stringify(await nodeChild(Number(values['node-child']), ganSteps)) + '\n');
    return;
  }
  const rows: Speeds[] = [];
  const site = mkdtempSync(join(tmpdir(), 'genlab-studio-speed-'));
  try {
    await buildStudio(site);
    const server = await serveStudio(site);
    try {
      rows.push(await page(server.url, ganSteps));
      rows.push(await page(`${server.url}?threads=1`, ganSteps));
    } finally {
      await server.close();
    }
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
  const self = fileURLToPath(import.meta.url);
  for (const threads of [2, 1]) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', self, '--node-child', String(threads), '--gan-steps', String(ganSteps)], { cwd: ROOT });
    rows.push(JSON.parse(stdout.trim().split('\n').pop()!) as Speeds);
  }
  console.log(`| where | GAN playground (ring of 8, ns, ${ganSteps} steps) | DDIM-50, 16 images of pretrained:ddpm-mnist |`);
  console.log('|---|---|---|');
  for (const r of rows) console.log(`| ${r.where} | ${r.ganStepsPerSecond.toFixed(0)} steps/s | ${r.ddimSeconds.toFixed(1)} s (${((1000 * r.ddimSeconds) / DDIM.n).toFixed(0)} ms per image) |`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
