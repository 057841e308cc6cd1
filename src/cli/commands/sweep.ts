/**
 * genlab sweep: a grid or random study over configs and seeds, run by parallel worker processes
 * on this machine, or, with --queue, queued on Redis for `genlab worker`s on any number of hosts.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { parse, str, int, flag } from '../args.js';
import { UserError } from '../../util/errors.js';
import { parseSweep, runSweep, stripPlotSvg, resultsCsv, type SweepConfig } from '../../eval/sweep.js';
import { makeDirs, writeFileAtomic } from '../../io/atomic.js';
import { checkRunOut } from '../out_path.js';
import { getFamily } from '../../models/registry.js';

const log = (m: string) => process.stderr.write(m + '\n');

/** results.jsonl, results.csv and the strip plot, then a table of the metric per group; the exit status. */
async function writeResults(out: string, config: SweepConfig, rows: Record<string, unknown>[], runCount: number): Promise<number> {
  await writeFileAtomic(join(out, 'results.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
  await writeFileAtomic(join(out, 'results.csv'), resultsCsv(rows));
  await writeFileAtomic(join(out, `${config.metric}.svg`), stripPlotSvg(rows, config.metric));
  const groups = [...new Set(rows.map((r) => String(r.group)))];
  console.log(`group${' '.repeat(30)} ${config.metric} (mean +- sd over seeds)`);
  for (const g of groups) {
    const v = rows.filter((r) => r.group === g).map((r) => Number(r[config.metric])).filter(Number.isFinite);
    if (!v.length) {
      console.log(`${g.padEnd(35)} (no finished run)`);
      continue;
    }
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length - 1));
    console.log(`${g.padEnd(35)} ${m.toPrecision(4)} +- ${sd.toPrecision(2)}  (${v.length} seeds)`);
  }
  console.log(`results: ${join(out, 'results.csv')}, plot: ${join(out, `${config.metric}.svg`)}`);
  const failed = rows.filter((r) => r.error !== undefined).length;
  const unfinished = runCount - rows.length;
  if (failed) log(`sweep: ${failed} of ${runCount} runs failed; their messages are in results.jsonl ('error')`);
  if (unfinished) log(`sweep: ${unfinished} of ${runCount} runs are not finished yet; these are the results so far`);
  return failed || unfinished ? 1 : 0;
}

/** --queue: submit the study and follow it (or, with --collect, read where it stands), then write its results. */
async function queuedSweep(queueUrl: string, config: SweepConfig | undefined, out: string, collect: boolean, retryFailed: boolean): Promise<number> {
  const { parseQueueAddress } = await import('../../queue/address.js');
  const address = parseQueueAddress(queueUrl);
  const { openQueue, QUEUE_NAME } = await import('../../queue/connect.js');
  const study = await import('../../queue/study.js');
  const s = config ? study.studyOf(config, out) : study.readStudy(out);
  const opened = await openQueue(address);
  if (!opened.persistence.startsWith('append-only')) {
    log(`sweep: warning: Redis at ${address.shown} keeps no append-only file (persistence: ${opened.persistence}); run it with 'appendonly yes' so that a restart loses no queued or finished run (finished runs' metrics are also in ${join(out, 'runs', 'RUN', 'eval.json')})`);
  }
  const queue = new opened.bullmq.Queue(QUEUE_NAME, { connection: opened.connection });
  let lastError = '';
  queue.on('error', (e: Error) => {
    // Redis went away (a restart): ioredis reconnects and repeats the error on every attempt; say it once.
    if (e.message !== lastError) log(`sweep: queue: ${e.message.split('\n')[0]} (waiting for Redis to come back)`);
    lastError = e.message;
  });
  try {
    let statuses;
    if (collect) {
      statuses = await study.studyStatus(queue, s);
    } else {
      await makeDirs(out);
      await study.recordStudy(s, address.shown);
      const sub = await study.submitStudy(queue, s, retryFailed);
      const found = Object.entries(sub.found).map(([state, n]) => `${n} ${state}`).join(', ');
      log(`sweep: study ${s.key} on ${address.shown}: ${s.runs.length} runs; queued ${sub.added} new${found ? `; already there: ${found}` : ''}${sub.retried ? `; ${sub.retried} failed run(s) queued again` : ''}`);
      if (sub.found.failed && !retryFailed) log(`sweep: failed runs stay failed (pass --retry-failed to queue them again)`);
      log(`sweep: following; start workers with 'genlab worker --queue ${address.shown}' (Ctrl-C stops following, not the study; '--collect' writes the results later)`);
      statuses = await study.followStudy(queue, s, log);
    }
    log(`sweep: ${study.describeCounts(statuses)}`);
    await writeFileAtomic(join(out, 'queue.jsonl'), study.queueRows(statuses).map((r) => JSON.stringify(r)).join('\n') + '\n');
    return await writeResults(out, s.config, study.studyRows(statuses), s.runs.length);
  } finally {
    await queue.close();
  }
}

export const command: Command = {
  name: 'sweep',
  summary: 'train and evaluate a grid or random study over configs and seeds, in parallel or on a job queue',
  usage: [
    'usage: genlab sweep --config SWEEP.json --out DIR [--parallel N]',
    '       genlab sweep --config SWEEP.json --out DIR --queue redis://HOST:PORT [--retry-failed]',
    '       genlab sweep --out DIR --queue redis://HOST:PORT --collect',
    '  (the SWEEP.json format is described in src/eval/sweep.ts and the README)',
    '  --queue URL      queue the runs on Redis for `genlab worker --queue URL` on any host, and follow them;',
    '                   re-running queues nothing already queued, running or done',
    '  --collect        write results.jsonl / results.csv / the plot from the queue, as far as the study got',
    '  --retry-failed   queue the study\'s failed runs again',
  ].join('\n'),
  async run(argv) {
    const a = parse(argv, { config: { type: 'string' }, out: { type: 'string' }, parallel: { type: 'string' }, queue: { type: 'string' }, collect: { type: 'boolean' }, 'retry-failed': { type: 'boolean' } }, 'sweep');
    if (a.positionals.length) throw new UserError(`sweep: unexpected argument '${a.positionals[0]}'`);
    const path = str(a, 'config');
    const out = str(a, 'out');
    const queue = str(a, 'queue');
    const collect = flag(a, 'collect');
    if (queue === undefined && (collect || flag(a, 'retry-failed'))) throw new UserError(`sweep: --${collect ? 'collect' : 'retry-failed'} works on a queued study; pass --queue redis://HOST:PORT`);
    if (queue !== undefined && a.values.parallel !== undefined) throw new UserError('sweep: --parallel is for a local sweep; with --queue, start as many `genlab worker`s as you like');
    if (out === undefined || (!path && !(queue !== undefined && collect))) throw new UserError('sweep: --config SWEEP.json and --out DIR are required');
    checkRunOut(out, 'sweep');
    if (queue !== undefined) (await import('../../queue/address.js')).parseQueueAddress(queue); // a bad --queue is refused before anything is read
    let config: SweepConfig | undefined;
    if (path) {
      const text = await readFile(path, 'utf8').catch(() => {
        throw new UserError(`--config ${path}: cannot read the file`);
      });
      config = parseSweep(text, path);
      await getFamily(config.model).catch((e: unknown) => {
        throw e instanceof UserError ? new UserError(`${path}: 'model': ${e.message}`) : e;
      });
    }
    if (queue !== undefined) return queuedSweep(queue, config, out, collect, flag(a, 'retry-failed'));
    const parallel = int(a, 'parallel', availableParallelism(), 1)!;
    const main = fileURLToPath(new URL('../main.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js');
    const rows = await runSweep(config!, out, parallel, main, log);
    return writeResults(out, config!, rows, rows.length);
  },
};
