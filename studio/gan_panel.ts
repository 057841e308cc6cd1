/**
 * Panel 1, the GAN playground: pick a 2-D source and a loss, train live (play / pause / step),
 * watch the discriminator's heat map, the real (green) and generated (purple) points, the
 * generator's gradient arrows, the loss curves and the modes covered. The run is
 * `genlab train gan --data toy:SOURCE --loss LOSS --seed S` (core/gan.ts), so its numbers are
 * a Node run's.
 */
import { toyNames } from '../src/index.js';
import { GAN_LOSSES, type GanLoss } from '../src/models/gan/losses.js';
import type { GanModel } from '../src/models/gan/model.js';
import { runPlayground, frameOf, playgroundData, type LossRow, type PlaygroundSettings, type Coverage } from './core/gan.js';
import { drawField, drawLines } from './draw.js';
import { el, field, numberInput, select } from './assets.js';

/** How often the picture is redrawn while training (ms), and how long a run may go without yielding to the page. */
const DRAW_EVERY_MS = 120;
const YIELD_EVERY_MS = 40;

export interface GanRunReport {
  rows: LossRow[];
  coverage: Coverage;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  config: unknown;
  status: string;
}

export interface GanPanel {
  /** Trains with these settings to the end (no pausing), drawing as it goes; for tests and the speed figure. */
  run(s: PlaygroundSettings): Promise<GanRunReport>;
}

export function mountGan(root: HTMLElement): GanPanel {
  const source = select('source', toyNames, 'eight-gaussians');
  const loss = select('loss', GAN_LOSSES, 'ns');
  const seed = numberInput('seed', 0, { min: '0', step: '1' });
  const play = el('button', { type: 'button', name: 'play' }, 'play');
  const step = el('button', { type: 'button', name: 'step' }, 'step');
  const reset = el('button', { type: 'button', name: 'reset' }, 'reset');
  const status = el('p', { class: 'status', 'data-role': 'status' }, 'paused at step 0');
  const plane = el('canvas', { width: '440', height: '440', class: 'plane' });
  const losses = el('canvas', { width: '440', height: '150' });
  const modes = el('canvas', { width: '440', height: '110' });
  root.append(
    el('div', { class: 'controls' }, field('source', source), field('loss', loss), field('seed', seed), play, step, reset),
    el('p', { class: 'hint' }, 'heat map: the discriminator (blue = "real"); green: data; purple: generated; arrows: where the generator loss pushes its points; crosses: the modes'),
    el('div', { class: 'row' }, plane, el('div', {}, losses, modes)),
    status,
  );

  let session: { settings: PlaygroundSettings; running: Promise<unknown>; stop: boolean } | null = null;
  let playing = false;
  let stepsLeft = 0; // single steps asked for while paused
  let wake: (() => void) | null = null;
  const coverageSeries: { x: number[]; y: number[] } = { x: [], y: [] };

  const settings = (): PlaygroundSettings => ({ source: source.value, loss: loss.value as GanLoss, seed: Number(seed.value) });

  const drawCharts = (rows: LossRow[], coverage: Coverage, stepNo: number) => {
    const every = Math.max(1, Math.floor(rows.length / 400)); // at most ~400 points per line
    const shown = rows.filter((_, i) => i % every === 0 || i === rows.length - 1);
    drawLines(losses, [
      { label: 'D loss', colour: '#d62728', x: shown.map((r) => r.step), y: shown.map((r) => r.d_loss) },
      { label: 'G loss', colour: '#1f77b4', x: shown.map((r) => r.step), y: shown.map((r) => r.g_loss ?? NaN) },
    ], 'losses');
    if (coverage) {
      if (coverageSeries.x[coverageSeries.x.length - 1] !== stepNo) {
        coverageSeries.x.push(stepNo);
        coverageSeries.y.push(coverage.modes);
      }
      drawLines(modes, [{ label: 'modes', colour: '#2ca02c', ...coverageSeries }], `modes covered (of ${coverage.of})`);
    }
  };

  const describe = (stepNo: number, total: number, coverage: Coverage, rate: number, state: string) => {
    const cov = coverage ? `, modes covered ${coverage.modes}/${coverage.of} (${(100 * coverage.hq).toFixed(0)}% of samples within 3 std of a mode)` : '';
    status.textContent = `${state}: step ${stepNo} of ${total}${cov}; ${rate.toFixed(0)} steps/s`;
    status.dataset.step = String(stepNo);
    if (coverage) status.dataset.modes = String(coverage.modes);
  };

  const draw = (model: GanModel, data: Awaited<ReturnType<typeof playgroundData>>, rows: LossRow[], stepNo: number, total: number, rate: number) => {
    const { frame, coverage } = frameOf(model, data, stepNo);
    drawField(plane, frame);
    drawCharts(rows, coverage, stepNo);
    describe(stepNo, total, coverage, rate, playing ? 'training' : 'paused');
  };

  /** Starts a run; unless `free`, it waits whenever it is paused with no single steps asked for. */
  const start = (s: PlaygroundSettings, free = false): Promise<Awaited<ReturnType<typeof runPlayground>>> => {
    coverageSeries.x.length = 0;
    coverageSeries.y.length = 0;
    const rows: LossRow[] = [];
    const me = { settings: s, running: Promise.resolve() as Promise<unknown>, stop: false };
    session = me;
    const t0 = performance.now();
    let waited = 0; // ms spent paused, left out of the steps/s figure
    let lastDraw = -Infinity;
    let lastYield = performance.now();
    const running = playgroundData(s.source).then((data) =>
      runPlayground(s, {
        afterStep: async (stepNo, row, model, total) => {
          rows.push(row);
          if (stepsLeft > 0) stepsLeft--;
          const waiting = !free && !playing && stepsLeft === 0;
          if (waiting || performance.now() - lastDraw > DRAW_EVERY_MS) {
            draw(model, data, rows, stepNo, total, stepNo / ((performance.now() - t0 - waited) / 1000));
            lastDraw = performance.now();
          }
          if (waiting) {
            const w0 = performance.now();
            await new Promise<void>((r) => (wake = r));
            wake = null;
            waited += performance.now() - w0;
          } else if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise((r) => setTimeout(r, 0));
            lastYield = performance.now();
          }
          return me.stop;
        },
      }),
    );
    me.running = running.catch(() => undefined).finally(() => {
      if (session === me) session = null;
    });
    return running;
  };

  const stopCurrent = async () => {
    if (!session) return;
    session.stop = true;
    wake?.();
    await session.running;
    session = null;
  };

  const ensureSession = () => {
    if (session) return;
    start(settings()).then(
      (r) => void (status.textContent += r.status === 'done' ? ' (done)' : ''),
      (e: unknown) => {
        status.textContent = `stopped: ${e instanceof Error ? e.message : String(e)}`;
        status.classList.add('error');
      },
    );
  };

  play.addEventListener('click', () => {
    playing = !playing;
    play.textContent = playing ? 'pause' : 'play';
    ensureSession();
    wake?.();
  });
  step.addEventListener('click', () => {
    stepsLeft++;
    ensureSession();
    wake?.();
  });
  reset.addEventListener('click', () => {
    playing = false;
    play.textContent = 'play';
    void stopCurrent().then(() => (status.textContent = 'paused at step 0'));
  });
  for (const c of [source, loss, seed]) c.addEventListener('change', () => reset.click());

  return {
    async run(s) {
      await stopCurrent();
      source.value = s.source;
      loss.value = s.loss;
      seed.value = String(s.seed);
      playing = true;
      play.textContent = 'pause';
      const r = await start(s, true).finally(() => {
        playing = false;
        play.textContent = 'play';
      });
      drawField(plane, r.frame);
      drawCharts(r.rows, r.coverage, r.rows.length);
      describe(r.rows.length, r.config.training.steps, r.coverage, r.rows.length / r.seconds, r.status);
      return { rows: r.rows, coverage: r.coverage, steps: r.rows.length, seconds: r.seconds, stepsPerSecond: r.rows.length / r.seconds, config: r.config, status: r.status };
    },
  };
}
