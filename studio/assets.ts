/**
 * What the studio loads, all from its own folder (scripts/studio/build.ts puts it there): the
 * pretrained runs under models/, the mnist test digits under data/, exported runs under runs/.
 * Each is fetched once and shared by the panels.
 */
import { loadRun, parseIdx, idxToImages, type LoadedRun } from '../src/index.js';

export const MODEL_URLS = { ddpm: 'models/ddpm-mnist/', vae: 'models/vae-mnist-2d/' } as const;

const runs = new Map<string, Promise<LoadedRun>>();

/** A pretrained or exported run by URL (relative to the page), loaded once. */
export function run(url: string): Promise<LoadedRun> {
  let p = runs.get(url);
  if (!p) {
    p = loadRun(new URL(url, location.href));
    runs.set(url, p);
    p.catch(() => runs.delete(url));
  }
  return p;
}

export interface Digits {
  n: number;
  shape: [number, number, number];
  /** [n, 28, 28, 1] in [0, 1] */
  pixels: Float32Array;
  labels: Int32Array;
}

let digits: Promise<Digits> | null = null;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** The mnist test digits the build shipped (data/mnist-test-*.idx). */
export function testDigits(): Promise<Digits> {
  digits ??= (async () => {
    const [img, lab] = await Promise.all([fetchBytes('data/mnist-test-images.idx'), fetchBytes('data/mnist-test-labels.idx')]);
    const d = idxToImages(parseIdx(img, 'mnist-test-images.idx'), 'mnist-test-images.idx', parseIdx(lab, 'mnist-test-labels.idx'), 'mnist-test-labels.idx');
    return { n: d.n, shape: [d.height, d.width, d.channels] as [number, number, number], pixels: d.pixels, labels: d.labels! };
  })();
  return digits;
}

/** A small DOM helper: an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A <select> of `options` with `value` chosen. */
export function select(name: string, options: readonly string[], value: string): HTMLSelectElement {
  const s = el('select', { name });
  for (const o of options) s.append(el('option', { value: o }, o));
  s.value = value;
  return s;
}

/** A labelled control. */
export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return el('label', {}, `${label} `, control);
}

/** A number <input>. */
export function numberInput(name: string, value: number, attrs: Record<string, string> = {}): HTMLInputElement {
  return el('input', { name, type: 'number', value: String(value), ...attrs });
}

/** Yields to the browser so it can paint (a macrotask, not a microtask). */
export const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
