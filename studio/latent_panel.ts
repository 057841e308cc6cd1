/**
 * Panel 4, the latent explorer: the shipped VAE with a 2-D latent (pretrained:vae-mnist-2d).
 * The scatter shows the means of q(z|x) of the shipped test digits coloured by label; drag the
 * point and the decoder's mean image at it is drawn beside. The work is core/latent.ts.
 */
import { run, testDigits, MODEL_URLS, el } from './assets.js';
import { drawGrey, drawScatter, fromCanvas, toCanvas, LABEL_COLOURS, type Bounds } from './draw.js';
import { decodePoint, encodeDigits } from './core/latent.js';

const SIZE = 420;
const BOUNDS: Bounds = [-4, 4, -4, 4]; // the prior N(0, I) holds 99.99% of its mass inside +-4

export interface LatentPanel {
  /** Encodes the test digits (once) and draws the scatter; returns how many points. */
  ready(): Promise<number>;
  /** Moves the point to z, decodes it and returns the image [28 x 28]. */
  decode(z: [number, number]): Promise<number[]>;
  /** Means of the first `n` encoded digits, [n, 2] flattened. */
  codes(n: number): Promise<number[]>;
  /** When the panel is first shown: the scatter, and the image at the point (the origin) unless one is drawn already. */
  shown(): Promise<void>;
}

export function mountLatent(root: HTMLElement): LatentPanel {
  const plane = el('canvas', { width: String(SIZE), height: String(SIZE), class: 'plane draggable' });
  const image = el('canvas', { width: '196', height: '196' });
  const readout = el('p', { class: 'status', 'data-role': 'status' }, 'drag the black point');
  const legend = el('p', { class: 'legend' }, ...LABEL_COLOURS.map((c, d) => el('span', { style: `color:${c}` }, `■ ${d} `)));
  root.append(el('div', { class: 'row' }, el('figure', {}, plane, el('figcaption', {}, 'z = means of q(z|x) of mnist test digits'), legend), el('figure', {}, image, el('figcaption', {}, 'decoder mean at the point'))), readout);

  let z: [number, number] = [0, 0];
  let codes: Float32Array | null = null;
  let labels: Int32Array | null = null;
  let loading: Promise<number> | null = null;
  let latest = 0; // the newest decode asked for: an older one that finishes later draws nothing

  const redraw = () => {
    const ctx = plane.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, SIZE, SIZE);
    if (codes && labels) drawScatter(ctx, SIZE, SIZE, BOUNDS, codes, labels);
    const [px, py] = toCanvas(BOUNDS, SIZE, SIZE, z[0], z[1]);
    ctx.fillStyle = '#000';
    ctx.beginPath();
    ctx.arc(px, py, 6, 0, 2 * Math.PI);
    ctx.fill();
  };

  const ready = (): Promise<number> => {
    loading ??= (async () => {
      const [loaded, d] = await Promise.all([run(MODEL_URLS.vae), testDigits()]);
      codes = encodeDigits(loaded.model, d.pixels, d.n, d.shape);
      labels = d.labels;
      redraw();
      return d.n;
    })();
    return loading;
  };

  const decode = async (at: [number, number]): Promise<number[]> => {
    const ticket = ++latest;
    await ready();
    const loaded = await run(MODEL_URLS.vae);
    const x = decodePoint(loaded.model, at);
    if (ticket === latest) {
      z = at;
      drawGrey(image.getContext('2d')!, x, 28, 28, 0, 0, 7);
      redraw();
      readout.textContent = `z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
    }
    return Array.from(x);
  };

  let dragging = false;
  const at = (e: MouseEvent): [number, number] => {
    const r = plane.getBoundingClientRect();
    return fromCanvas(BOUNDS, SIZE, SIZE, ((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE);
  };
  plane.addEventListener('mousedown', (e) => {
    dragging = true;
    void decode(at(e));
  });
  plane.addEventListener('mousemove', (e) => dragging && void decode(at(e)));
  window.addEventListener('mouseup', () => (dragging = false));

  return {
    ready,
    decode,
    async shown() {
      if (latest === 0) await decode(z);
      else await ready();
    },
    async codes(n) {
      await ready();
      return Array.from(codes!.subarray(0, 2 * n));
    },
  };
}
