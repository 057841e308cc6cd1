/** RUN/report.html: curves, the latest sample grids, config, timing; families add sections. */
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { linePlotSvg, smooth } from '../io/plot.js';
import { readMetrics, metricSeries } from './metrics.js';
import type { ModelFamily, RunConfig } from './types.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface Session {
  started: string;
  backend: string;
  fromStep: number;
  toStep: number;
  seconds: number;
  status: string;
}

/** RUN/sessions.jsonl: one line per invocation of the training loop (fresh start and each resume). */
export async function readSessions(path: string): Promise<Session[]> {
  if (!existsSync(path)) return [];
  const out: Session[] = [];
  for (const l of (await readFile(path, 'utf8')).split('\n')) {
    if (!l.trim()) continue;
    try {
      out.push(JSON.parse(l) as Session);
    } catch {
      // a torn last line (killed mid-write) is skipped
    }
  }
  return out;
}

export async function writeReport(run: string, family: ModelFamily | null): Promise<string> {
  const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as RunConfig;
  const rows = await readMetrics(join(run, 'metrics.jsonl'));
  const html: string[] = [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>genlab ${esc(config.model)} run</title>`,
    '<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}img{image-rendering:pixelated;max-width:100%}pre{background:#f6f6f6;padding:1em;overflow:auto}figure{display:inline-block;margin:0 1em 1em 0}td,th{padding:2px 10px;text-align:left}</style>',
    `</head><body><h1>genlab ${esc(config.model)} on ${esc(config.training.data)}</h1>`,
  ];
  const last = rows[rows.length - 1];
  if (last) html.push(`<p>step ${last.step}, ${last.time?.toFixed(1)} s of training; last metrics: ${esc(Object.entries(last).filter(([k]) => !['step', 'time'].includes(k)).map(([k, v]) => `${k} ${+v.toPrecision(5)}`).join(', '))}</p>`);
  if (rows.length) {
    html.push('<h2>Training curves</h2>');
    for (const s of metricSeries(rows)) {
      const window = Math.max(1, Math.floor(s.y.length / 50));
      const positive = s.y.every((v) => v > 0);
      const ratio = positive ? Math.max(...s.y) / Math.min(...s.y) : 1;
      html.push(linePlotSvg([{ ...s, y: smooth(s.y, window) }], { title: s.name, xLabel: 'step', logY: positive && ratio > 100, width: 480, height: 260 }));
    }
  }
  const samples = existsSync(join(run, 'samples')) ? (await readdir(join(run, 'samples'))).filter((f) => /^step-\d+\.png$/.test(f)).sort() : [];
  if (samples.length) {
    html.push('<h2>Samples</h2>');
    const picks = samples.length <= 3 ? samples : [samples[0], samples[Math.floor(samples.length / 2)], samples[samples.length - 1]];
    for (const f of picks) html.push(`<figure><img src="samples/${f}" width="360"><figcaption>${esc(f.replace('.png', ''))}</figcaption></figure>`);
  }
  const sessions = await readSessions(join(run, 'sessions.jsonl'));
  if (sessions.length) {
    html.push('<h2>Backend and timing</h2>', '<table><tr><th>started</th><th>backend</th><th>steps</th><th>seconds</th><th>steps/s</th><th>ended</th></tr>');
    for (const s of sessions) {
      const n = s.toStep - s.fromStep;
      html.push(`<tr><td>${esc(s.started)}</td><td>${esc(s.backend)}</td><td>${s.fromStep} to ${s.toStep}</td><td>${s.seconds.toFixed(1)}</td><td>${s.seconds > 0 ? (n / s.seconds).toFixed(2) : '-'}</td><td>${esc(s.status)}</td></tr>`);
    }
    html.push('</table>');
  }
  if (family?.reportSections) for (const s of await family.reportSections(run)) html.push(s);
  html.push('<h2>Config</h2>', `<pre>${esc(JSON.stringify(config, null, 2))}</pre>`, '</body></html>');
  const path = join(run, 'report.html');
  await writeFileAtomic(path, html.join('\n'));
  return path;
}
