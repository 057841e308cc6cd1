/** genlab worker: trains and evaluates the runs of studies submitted with `genlab sweep --queue`. */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { parse, str, int, num } from '../args.js';
import { UserError } from '../../util/errors.js';

export const command: Command = {
  name: 'worker',
  summary: 'take runs of queued studies (genlab sweep --queue) off a Redis queue, train and evaluate them',
  usage: [
    'usage: genlab worker --queue redis://HOST:PORT [--concurrency N] [--threads T] [--lock-seconds S]',
    '  --concurrency N    runs at a time (default 1)',
    '  --threads T        wasm threads per run (default: the cores / N)',
    "  --lock-seconds S   a worker's hold on a run, renewed every S/2; a killed worker's runs go back",
    '                     to the queue S to 2S seconds later (default 30)',
    "  Run directories are the study's DIR/runs/RUN on this host: DIR should be on a file system",
    '  every worker mounts at the same path. SIGINT/SIGTERM hands the runs in progress back to the queue.',
  ].join('\n'),
  async run(argv) {
    const a = parse(argv, { queue: { type: 'string' }, concurrency: { type: 'string' }, threads: { type: 'string' }, 'lock-seconds': { type: 'string' } }, 'worker');
    if (a.positionals.length) throw new UserError(`worker: unexpected argument '${a.positionals[0]}'`);
    const queue = str(a, 'queue');
    if (queue === undefined) throw new UserError('worker: --queue redis://HOST:PORT is required');
    const concurrency = int(a, 'concurrency', 1, 1)!;
    const threads = int(a, 'threads', Math.max(1, Math.floor(availableParallelism() / concurrency)), 1)!;
    const lockSeconds = num(a, 'lock-seconds', 30, 1)!;
    const { parseQueueAddress } = await import('../../queue/address.js');
    const address = parseQueueAddress(queue);
    const { openQueue } = await import('../../queue/connect.js');
    const opened = await openQueue(address);
    const { serveQueue } = await import('../../queue/worker.js');
    const main = fileURLToPath(new URL('../main.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js');
    return serveQueue(opened, { concurrency, threads, lockSeconds, main, log: (m) => process.stderr.write(m + '\n') });
  },
};
