/**
 * Panel 3, restoration: a degradation of an mnist test digit (centre-box inpainting, 2x or 4x
 * super-resolution, denoising, or a mask drawn with the mouse), restored by DDNM (DDNM+ for the
 * noisy case) from the shipped DDPM prior; shows the digit, y, A+ y and the result with PSNR
 * and the consistency max |A x - y|. The work is core/restore.ts on src/restore.
 */
import { run, testDigits, MODEL_URLS, el, field, numberInput, select } from './assets.js';
import { drawGrey } from './draw.js';
import { restoreDigit, DEGRADATIONS, type Degradation, type RestoreSettings } from './core/restore.js';

const SCALE = 5; // each 28 x 28 picture is shown 140 x 140
const HISTORY = 4;

export interface RestoreReport {
  index: number;
  label: number;
  psnr: { pinv: number; restored: number };
  maxResidual: number;
  method: string;
  ms: number;
  restored: number[];
  digit: number[];
}

export interface RestorePanel {
  restore(index: number, s: RestoreSettings): Promise<RestoreReport>;
  /** Marks the pixels in the box [top, left, size] as missing in the drawn mask (what a mouse stroke does). */
  paintMask(top: number, left: number, size: number): void;
  mask(): Float32Array;
}

export function mountRestore(root: HTMLElement): RestorePanel {
  const index = numberInput('index', 0, { min: '0', step: '1' });
  const degradation = select('degradation', DEGRADATIONS, 'box');
  const steps = numberInput('steps', 25, { min: '2', max: '1000', step: '1' });
  const seed = numberInput('seed', 0, { min: '0', step: '1' });
  const go = el('button', { type: 'button', name: 'restore' }, 'restore');
  const clear = el('button', { type: 'button', name: 'clear-mask' }, 'clear mask');
  const status = el('p', { class: 'status', 'data-role': 'status' }, 'pick a digit and a degradation; with "mask", paint the missing pixels on the digit');
  const canvases = ['digit (draw the mask here)', 'y = A x', 'A+ y', 'DDNM'].map((title) => {
    const c = el('canvas', { width: String(28 * SCALE), height: String(28 * SCALE) });
    return { title, c, caption: el('figcaption', {}, title) };
  });
  const history = el('div', { class: 'history' });
  root.append(
    el('div', { class: 'controls' }, field('test digit', index), field('degradation', degradation), field('DDNM steps', steps), field('seed', seed), go, clear),
    el('div', { class: 'row' }, ...canvases.map(({ c, caption }) => el('figure', {}, c, caption))),
    status,
    el('h3', {}, 'recent restorations (digit, y, A+ y, DDNM)'),
    history,
  );
  const [digitCanvas, yCanvas, pinvCanvas, outCanvas] = canvases.map((x) => x.c);
  const drawn = new Float32Array(28 * 28).fill(1); // 1 = known

  const showDigit = async () => {
    const d = await testDigits();
    const i = Math.min(d.n - 1, Math.max(0, Number(index.value)));
    const ctx = digitCanvas.getContext('2d')!;
    drawGrey(ctx, d.pixels, 28, 28, 0, 0, SCALE, i * 784);
    // The drawn mask in translucent red over the digit.
    ctx.fillStyle = 'rgba(220, 40, 40, 0.45)';
    for (let k = 0; k < 784; k++) if (drawn[k] === 0) ctx.fillRect((k % 28) * SCALE, Math.floor(k / 28) * SCALE, SCALE, SCALE);
  };

  const paintAt = (ev: MouseEvent) => {
    const r = digitCanvas.getBoundingClientRect();
    const col = Math.floor(((ev.clientX - r.left) / r.width) * 28);
    const row = Math.floor(((ev.clientY - r.top) / r.height) * 28);
    api.paintMask(row - 1, col - 1, 3); // a 3-pixel brush
  };
  let painting = false;
  digitCanvas.addEventListener('mousedown', (e) => {
    painting = true;
    degradation.value = 'mask';
    paintAt(e);
  });
  digitCanvas.addEventListener('mousemove', (e) => painting && paintAt(e));
  window.addEventListener('mouseup', () => (painting = false));

  const api: RestorePanel = {
    paintMask(top, left, size) {
      for (let i = Math.max(0, top); i < Math.min(28, top + size); i++) for (let j = Math.max(0, left); j < Math.min(28, left + size); j++) drawn[i * 28 + j] = 0;
      void showDigit();
    },
    mask: () => drawn.slice(),
    async restore(i, s) {
      go.disabled = true;
      status.textContent = `restoring digit ${i} (${s.degradation}) with DDNM, ${s.steps} steps...`;
      try {
        const [loaded, d] = await Promise.all([run(MODEL_URLS.ddpm), testDigits()]);
        index.value = String(i);
        degradation.value = s.degradation;
        steps.value = String(s.steps);
        seed.value = String(s.seed);
        await showDigit();
        await new Promise((r) => setTimeout(r, 0)); // paint the status before the synchronous loop
        const digit = d.pixels.slice(i * 784, (i + 1) * 784);
        const r = restoreDigit(loaded.model, digit, d.shape, s);
        // y: shown at the image's size (a 14 x 14 or 7 x 7 measurement drawn with larger pixels).
        const yc = yCanvas.getContext('2d')!;
        yc.fillStyle = '#fff';
        yc.fillRect(0, 0, yCanvas.width, yCanvas.height);
        drawGrey(yc, r.y.pixels, r.y.height, r.y.width, 0, 0, (SCALE * 28) / r.y.width);
        // The pixels y does not have, in translucent red.
        yc.fillStyle = 'rgba(220, 40, 40, 0.45)';
        if (r.known) for (let k = 0; k < 784; k++) if (r.known[k] === 0) yc.fillRect((k % 28) * SCALE, Math.floor(k / 28) * SCALE, SCALE, SCALE);
        drawGrey(pinvCanvas.getContext('2d')!, r.pinv.map((v) => Math.min(1, Math.max(0, v))), 28, 28, 0, 0, SCALE);
        drawGrey(outCanvas.getContext('2d')!, r.restored, 28, 28, 0, 0, SCALE);
        canvases[2].caption.textContent = `A+ y: PSNR ${r.psnr.pinv.toFixed(2)} dB`;
        canvases[3].caption.textContent = `${r.method.toUpperCase()}: PSNR ${r.psnr.restored.toFixed(2)} dB`;
        // A row of small copies for the history (newest first, at most HISTORY).
        const row = el('figure', { class: 'row' });
        for (const c of [digitCanvas, yCanvas, pinvCanvas, outCanvas]) {
          const small = el('canvas', { width: String(28 * 3), height: String(28 * 3) });
          small.getContext('2d')!.drawImage(c, 0, 0, 28 * 3, 28 * 3);
          row.append(small);
        }
        row.append(el('figcaption', {}, `${s.degradation}: ${r.method.toUpperCase()} ${r.psnr.restored.toFixed(2)} dB, A+ y ${r.psnr.pinv.toFixed(2)} dB, max |A x - y| ${r.maxResidual.toExponential(1)}`));
        history.prepend(row);
        while (history.children.length > HISTORY) history.lastElementChild!.remove();
        status.textContent = `digit ${i} (a ${d.labels[i]}), ${s.degradation}: ${r.method.toUpperCase()} ${s.steps} steps in ${(r.ms / 1000).toFixed(2)} s; PSNR ${r.psnr.restored.toFixed(2)} dB (A+ y: ${r.psnr.pinv.toFixed(2)} dB); max |A x - y| = ${r.maxResidual.toExponential(2)}`;
        return { index: i, label: d.labels[i], psnr: r.psnr, maxResidual: r.maxResidual, method: r.method, ms: r.ms, restored: Array.from(r.restored), digit: Array.from(digit) };
      } finally {
        go.disabled = false;
      }
    },
  };

  index.addEventListener('change', () => void showDigit());
  clear.addEventListener('click', () => {
    drawn.fill(1);
    void showDigit();
  });
  go.addEventListener('click', () => {
    const s: RestoreSettings = { degradation: degradation.value as Degradation, steps: Number(steps.value), seed: Number(seed.value), mask: drawn.slice() };
    api.restore(Number(index.value), s).catch((e: unknown) => {
      status.textContent = `failed: ${e instanceof Error ? e.message : String(e)}`;
      status.classList.add('error');
    });
  });
  void showDigit().catch(() => undefined);
  return api;
}
