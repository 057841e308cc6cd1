/**
 * Panel 5, load your own: open a run written by `genlab export RUN --out DIR`, either by URL
 * (the dev server lists the folders of `npm run studio -- --runs DIR` under runs/) or by picking
 * the folder from disk (a directory input: the files never leave the page). The run opens with
 * the core's loadRunFrom, like the pretrained models, and the panel draws samples of it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, loadRunFrom, loadSource, modelMaker, ddpm, type LoadedRun, type WeightsSource } from '../src/index.js';
import { run, el, field } from './assets.js';
import { drawGrid, drawScatter, type Bounds } from './draw.js';
import { playgroundBounds } from '../src/models/gan/playground_frame.js';

export interface LoadReport {
  model: string;
  data: string;
  parameters: number;
  samples: number;
  /** Mean of the samples' values (images: pixels in [0, 1]). */
  mean: number;
}

export interface LoadPanel {
  open(url: string): Promise<LoadReport>;
  listed(): Promise<string[]>;
}

/** A run folder picked from disk: paths relative to the folder (the first segment of webkitRelativePath dropped). */
export function fileSource(files: FileList | File[]): WeightsSource {
  const byPath = new Map<string, File>();
  let root = 'picked folder';
  for (const f of Array.from(files)) {
    const rel = f.webkitRelativePath || f.name;
    const [top, ...rest] = rel.split('/');
    root = top;
    byPath.set(rest.length ? rest.join('/') : top, f);
  }
  return {
    root,
    where: (p) => `${root}/${p}`,
    exists: async (p) => byPath.has(p),
    async read(p) {
      const f = byPath.get(p);
      if (!f) throw new Error(`${root}/${p}: not in the picked folder`);
      return new Uint8Array(await f.arrayBuffer());
    },
  };
}

const SAMPLES = 16;
const POINTS = 1000;

export function mountLoad(root: HTMLElement): LoadPanel {
  const list = el('select', { name: 'runs' });
  const url = el('input', { name: 'url', type: 'text', placeholder: 'runs/NAME/ or any URL of an exported run', size: '40' });
  const open = el('button', { type: 'button', name: 'open' }, 'open');
  const picker = el('input', { name: 'folder', type: 'file' });
  picker.setAttribute('webkitdirectory', '');
  picker.multiple = true;
  const status = el('p', { class: 'status', 'data-role': 'status' }, 'export a run with `genlab export RUN --out DIR`, then serve DIR with `npm run studio -- --runs DIR` or pick it here');
  const canvas = el('canvas', { width: '10', height: '10' });
  const summary = el('pre', { class: 'summary' });
  root.append(
    el('div', { class: 'controls' }, field('served runs', list), field('or a URL', url), open, field('or a folder from disk', picker)),
    el('div', { class: 'row' }, canvas, summary),
    status,
  );

  const listed = async (): Promise<string[]> => {
    const r = await fetch('runs/index.json', { cache: 'no-store' });
    const names = r.ok ? ((await r.json()) as string[]) : [];
    list.replaceChildren(el('option', { value: '' }, names.length ? '(choose)' : '(none served)'), ...names.map((n) => el('option', { value: `runs/${n}/` }, n)));
    return names;
  };

  const show = async (loaded: LoadedRun): Promise<LoadReport> => {
    const { config, model, data } = loaded;
    const spec = config.training.data;
    const real = spec.startsWith('toy:') ? await loadSource(spec, { split: 'train', limit: POINTS }).then((d) => (d.kind === 'points' ? d.points : null)) : null;
    const parameters = Object.values(model.paramGroups()).reduce((s, g) => s + g.reduce((a, v) => a + v.size, 0), 0);
    const rng = new Rng(0);
    let x: tf.Tensor;
    // A DDPM's own sampler may visit all T steps; the preview uses DDIM with 20.
    if (model instanceof ddpm.DdpmModel) {
      const labels = model.sampleLabels(data.kind === 'images' ? SAMPLES : POINTS);
      x = model.sampleWith(labels?.length ?? (data.kind === 'images' ? SAMPLES : POINTS), rng, { kind: 'ddim', steps: 20, eta: 0, spacing: 'trailing' }, undefined, undefined, labels ? { labels, guidance: 0 } : undefined);
    } else {
      x = model.sample(data.kind === 'images' ? SAMPLES : POINTS, rng);
    }
    const v = x.dataSync() as Float32Array;
    const n = x.shape[0];
    x.dispose();
    if (data.kind === 'images') {
      const [h, w, c] = data.shape;
      const grey = c === 1 ? v : Float32Array.from({ length: n * h * w }, (_, i) => (v[3 * i] + v[3 * i + 1] + v[3 * i + 2]) / 3);
      drawGrid(canvas, grey, n, h, w, 8, 3);
    } else {
      // 2-D points: the samples (purple) over the training data when it is a toy source (green).
      canvas.width = canvas.height = 320;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 320, 320);
      const b: Bounds = real ? playgroundBounds(real) : playgroundBounds(v);
      if (real) drawScatter(ctx, 320, 320, b, real, new Int32Array(real.length / 2).fill(2));
      drawScatter(ctx, 320, 320, b, v, new Int32Array(n).fill(4));
    }
    summary.textContent = JSON.stringify({ model: config.model, data: config.training.data, steps: config.training.steps, parameters, modelConfig: config.modelConfig }, null, 1);
    const mean = v.reduce((s, a) => s + a, 0) / v.length;
    status.textContent = `opened ${loaded.dir}: a '${config.model}' run on ${config.training.data}, ${parameters.toLocaleString('en')} parameters; ${n} samples shown`;
    return { model: config.model, data: config.training.data, parameters, samples: n, mean };
  };

  const openUrl = async (u: string): Promise<LoadReport> => {
    status.classList.remove('error');
    status.textContent = `opening ${u}...`;
    return await show(await run(u));
  };
  const fail = (e: unknown) => {
    status.textContent = `cannot open: ${e instanceof Error ? e.message : String(e)}`;
    status.classList.add('error');
  };
  open.addEventListener('click', () => void openUrl(url.value.trim() || list.value).catch(fail));
  list.addEventListener('change', () => list.value && void openUrl(list.value).catch(fail));
  picker.addEventListener('change', () => {
    if (!picker.files?.length) return;
    const source = fileSource(picker.files);
    status.textContent = `opening ${source.root}...`;
    loadRunFrom(source, { family: modelMaker, data: () => Promise.reject(new Error('the run has no dataShape in its config.json; export it with genlab export')) })
      .then((loaded) => show(loaded).finally(() => loaded.model.dispose()))
      .catch(fail);
  });
  void listed().catch(() => undefined);
  return { open: openUrl, listed };
}
