/**
 * genlab studio: picks the tensor backend (?backend=wasm|webgl|webgpu; wasm by default, with
 * genlab's kernel pack and 2 threads when the page is cross-origin isolated, or ?threads=N), shows it, and
 * mounts the five panels, each on the shared library. window.studio is the panels' API (the
 * browser test drives it; a reader can too, from the console).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, describeBackend, type BackendInfo } from '../src/index.js';
import { el } from './assets.js';
import { mountGan, type GanPanel } from './gan_panel.js';
import { mountDiffusion, type DiffusionPanel } from './diffusion_panel.js';
import { mountRestore, type RestorePanel } from './restore_panel.js';
import { mountLatent, type LatentPanel } from './latent_panel.js';
import { mountLoad, type LoadPanel } from './load_panel.js';

export type BackendName = 'wasm' | 'webgl' | 'webgpu';

export interface BackendStatus {
  name: string;
  threads: number;
  simd: boolean;
  kernelPack: boolean;
  isolated: boolean;
  /** What the page says about it. */
  text: string;
}

const PANELS = [
  ['gan', 'GAN playground'],
  ['diffusion', 'Diffusion'],
  ['restore', 'Restoration'],
  ['latent', 'Latent explorer'],
  ['load', 'Load your own'],
] as const;
type PanelName = (typeof PANELS)[number][0];

/**
 * A small matrix product read back synchronously, as the library's loops read their results
 * (dataSync): a GPU backend that starts but cannot do this (measured: chromium's webgpu on
 * SwiftShader loses its device at the first synchronous read) would draw garbage.
 */
function selfCheck(name: string): void {
  const want = [7, 10, 15, 22];
  let got: number[];
  try {
    got = tf.tidy(() => {
      const a = tf.tensor2d([[1, 2], [3, 4]]);
      return Array.from(tf.matMul(a, a).dataSync());
    });
  } catch (e) {
    throw new Error(`${name} failed a self-check (${e instanceof Error ? e.message : String(e)})`);
  }
  if (got.some((v, i) => Math.abs(v - want[i]) > 1e-3)) throw new Error(`${name} failed a self-check ([[1, 2], [3, 4]]^2 gave ${got.join(', ')})`);
}

async function startBackend(choice: BackendName, threadsAsked: number | null): Promise<BackendStatus> {
  const isolated = crossOriginIsolated;
  if (choice !== 'wasm') {
    try {
      return await startGpu(choice, isolated);
    } catch (e) {
      // The panels need some backend: say what failed and go on with wasm.
      const wasm = await startBackend('wasm', threadsAsked);
      return { ...wasm, text: `${e instanceof Error ? e.message : String(e)}; using ${wasm.text}` };
    }
  }
  // Threads need SharedArrayBuffer, i.e. a cross-origin-isolated page (the dev server's COOP/COEP).
  const info: BackendInfo = await initBackend({ backend: 'wasm', threads: isolated ? (threadsAsked ?? 2) : 1, wasmPaths: new URL('wasm/', location.href).href });
  const text = `${describeBackend(info)}${isolated ? '' : '; the page is not cross-origin isolated, so no more threads'}`;
  return { name: info.name, threads: info.threads, simd: info.simd, kernelPack: info.kernelPack, isolated, text };
}

async function startGpu(choice: 'webgl' | 'webgpu', isolated: boolean): Promise<BackendStatus> {
  if (choice === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
    if (!(await tf.setBackend('webgl'))) throw new Error('webgl: this browser cannot start it');
    await tf.ready();
    selfCheck('webgl');
    return { name: 'webgl', threads: 0, simd: false, kernelPack: false, isolated, text: 'webgl' };
  }
  if (choice === 'webgpu') {
    if (!('gpu' in navigator)) throw new Error('webgpu: this browser has no navigator.gpu');
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('webgpu: no adapter');
    await tf.ready();
    selfCheck('webgpu');
    return { name: 'webgpu', threads: 0, simd: false, kernelPack: false, isolated, text: 'webgpu' };
  }
  throw new Error(`backend ${choice}: unknown`);
}

export interface Studio {
  ready: Promise<BackendStatus>;
  show(panel: PanelName): void;
  gan: GanPanel;
  diffusion: DiffusionPanel;
  restore: RestorePanel;
  latent: LatentPanel;
  load: LoadPanel;
}

function main(): Studio {
  const params = new URLSearchParams(location.search);
  const asked = (params.get('backend') ?? 'wasm') as BackendName;
  const choice: BackendName = ['wasm', 'webgl', 'webgpu'].includes(asked) ? asked : 'wasm';
  const picker = document.querySelector<HTMLSelectElement>('#backend')!;
  const info = document.querySelector<HTMLElement>('#backend-info')!;
  for (const o of picker.options) o.disabled = o.value === 'webgpu' && !('gpu' in navigator);
  picker.value = choice;
  // Backends cannot be swapped under loaded models: a new choice reloads the page with it.
  picker.addEventListener('change', () => {
    params.set('backend', picker.value);
    location.search = params.toString();
  });

  const nav = document.querySelector<HTMLElement>('#tabs')!;
  const mainEl = document.querySelector<HTMLElement>('main')!;
  const sections = new Map<PanelName, HTMLElement>();
  for (const [name, title] of PANELS) {
    const section = el('section', { id: `panel-${name}`, class: 'panel', hidden: '' }, el('h2', {}, title));
    sections.set(name, section);
    mainEl.append(section);
    const tab = el('button', { type: 'button', 'data-panel': name }, title);
    tab.addEventListener('click', () => studio.show(name));
    nav.append(tab);
  }
  const threads = params.has('threads') ? Math.max(1, Math.min(8, Math.floor(Number(params.get('threads'))) || 1)) : null;
  const ready = startBackend(choice, threads).then(
    (s) => {
      info.textContent = s.text;
      info.dataset.backend = s.name;
      return s;
    },
    (e: unknown) => {
      info.textContent = `backend failed: ${e instanceof Error ? e.message : String(e)}`;
      info.classList.add('error');
      throw e;
    },
  );
  const studio: Studio = {
    ready,
    show(panel) {
      for (const [name, s] of sections) s.hidden = name !== panel;
      for (const b of nav.querySelectorAll<HTMLButtonElement>('button')) b.classList.toggle('active', b.dataset.panel === panel);
      history.replaceState(null, '', `#${panel}`);
      if (panel === 'latent') void ready.then(() => studio.latent.shown());
    },
    gan: mountGan(sections.get('gan')!),
    diffusion: mountDiffusion(sections.get('diffusion')!),
    restore: mountRestore(sections.get('restore')!),
    latent: mountLatent(sections.get('latent')!),
    load: mountLoad(sections.get('load')!),
  };
  const first = location.hash.slice(1) as PanelName;
  studio.show(PANELS.some(([n]) => n === first) ? first : 'gan');
  return studio;
}

(globalThis as { studio?: Studio }).studio = main();
