/**
 * Panel 2, diffusion: sample the shipped class-conditional DDPM (pretrained:ddpm-mnist) with a
 * class and a guidance weight, a sampler and its number of steps; show the samples, the
 * denoising trajectory (the network's clean-image prediction x0|t at each visited step) and the
 * time per image. The sampling is core/diffusion.ts on the library's DdpmModel.
 */
import { ddpm } from '../src/index.js';
import { run, MODEL_URLS, el, field, numberInput, select } from './assets.js';
import { drawGrid } from './draw.js';
import { sampleDigits, SAMPLERS, type DiffusionSettings, type SamplerKind } from './core/diffusion.js';

export interface DiffusionReport {
  pixels: number[];
  labels: number[] | null;
  ms: number;
  msPerImage: number;
  trajectorySteps: number;
}

export interface DiffusionPanel {
  sample(s: DiffusionSettings): Promise<DiffusionReport>;
}

/** Trajectory columns shown: at most this many of the visited steps, evenly spread, the last included. */
const TRAJECTORY_COLUMNS = 10;

export function mountDiffusion(root: HTMLElement): DiffusionPanel {
  const label = select('class', ['cycle', ...Array.from({ length: 10 }, (_, i) => String(i))], 'cycle');
  const guidance = numberInput('guidance', 1, { min: '0', step: '0.5' });
  const sampler = select('sampler', SAMPLERS, 'ddim');
  const steps = numberInput('steps', 20, { min: '1', max: '1000', step: '1' });
  const n = numberInput('n', 8, { min: '1', max: '64', step: '1' });
  const seed = numberInput('seed', 0, { min: '0', step: '1' });
  const go = el('button', { type: 'button', name: 'sample' }, 'sample');
  const status = el('p', { class: 'status', 'data-role': 'status' }, 'pretrained:ddpm-mnist (class-conditional U-Net, v prediction, cosine schedule)');
  const grid = el('canvas', { width: '10', height: '10' });
  const trajectory = el('canvas', { width: '10', height: '10' });
  root.append(
    el('div', { class: 'controls' }, field('class', label), field('guidance w', guidance), field('sampler', sampler), field('steps', steps), field('images', n), field('seed', seed), go),
    el('h3', {}, 'samples'),
    grid,
    el('h3', {}, 'denoising trajectory: x0 predicted at each step (left: pure noise, right: the end), one row per image'),
    trajectory,
    status,
  );

  const sample = async (s: DiffusionSettings): Promise<DiffusionReport> => {
    go.disabled = true;
    // The controls show what is sampled (the API may be called with other settings than theirs).
    label.value = s.label === null ? 'cycle' : String(s.label);
    guidance.value = String(s.guidance);
    sampler.value = s.sampler;
    steps.value = String(s.steps);
    n.value = String(s.n);
    seed.value = String(s.seed);
    status.textContent = `sampling ${s.n} images, ${s.sampler} with ${s.steps} steps...`;
    try {
      const loaded = await run(MODEL_URLS.ddpm);
      if (!(loaded.model instanceof ddpm.DdpmModel)) throw new Error('models/ddpm-mnist is not a DDPM');
      // Let the status paint before the (synchronous) sampling loop takes the thread.
      await new Promise((r) => setTimeout(r, 0));
      const r = await sampleDigits(loaded.model, s);
      const [h, w] = r.shape;
      drawGrid(grid, r.pixels, s.n, h, w, Math.min(s.n, 8), 3);
      // Rows: images; columns: an even spread of the visited steps.
      const k = r.trajectory.length;
      const cols = Math.min(TRAJECTORY_COLUMNS, k);
      const picks = Array.from({ length: cols }, (_, j) => Math.round((j * (k - 1)) / Math.max(1, cols - 1)));
      const rows = Math.min(s.n, 4);
      const tiles = new Float32Array(rows * cols * h * w);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) tiles.set(r.trajectory[picks[j]].pixels.subarray(i * h * w, (i + 1) * h * w), (i * cols + j) * h * w);
      drawGrid(trajectory, tiles, rows * cols, h, w, cols, 2);
      const per = r.ms / s.n;
      status.textContent = `${s.n} images, ${s.sampler} ${s.steps} steps${r.labels ? `, classes ${s.label === 'cycle' ? '0, 1, 2, ...' : s.label}, guidance w = ${s.guidance}` : ''}: ${(r.ms / 1000).toFixed(2)} s, ${per.toFixed(0)} ms per image`;
      status.dataset.msPerImage = per.toFixed(1);
      return { pixels: Array.from(r.pixels), labels: r.labels, ms: r.ms, msPerImage: per, trajectorySteps: k };
    } finally {
      go.disabled = false;
    }
  };

  go.addEventListener('click', () => {
    const s: DiffusionSettings = {
      n: Number(n.value),
      steps: Number(steps.value),
      sampler: sampler.value as SamplerKind,
      label: label.value === 'cycle' ? 'cycle' : Number(label.value),
      guidance: Number(guidance.value),
      seed: Number(seed.value),
    };
    sample(s).catch((e: unknown) => {
      status.textContent = `failed: ${e instanceof Error ? e.message : String(e)}`;
      status.classList.add('error');
    });
  });
  return { sample };
}
