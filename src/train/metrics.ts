/** Reading metrics.jsonl back into series. */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { Series } from '../io/plot.js';

export async function readMetrics(path: string): Promise<Record<string, number>[]> {
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, number>);
}

/** One series per metric name (x = step), leaving out bookkeeping columns unless asked for. */
export function metricSeries(rows: Record<string, number>[], names?: string[]): Series[] {
  const keys = names ?? [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !['step', 'time', 'lr'].includes(k) && !k.startsWith('lr_'));
  return keys
    .map((k) => ({ name: k, x: rows.filter((r) => k in r).map((r) => r.step), y: rows.filter((r) => k in r).map((r) => r[k]) }))
    .filter((s) => s.x.length > 0);
}
