/**
 * genlab studio, from the command line (run by tsx):
 *   npm run studio [-- --port 5173] [--runs DIR]   build into a temporary folder and serve it on
 *                                                   127.0.0.1 with COOP/COEP (wasm threads);
 *                                                   --runs: exported runs shown under "Load your own"
 *   npm run studio:build [-- --out DIR]             write the static site (default studio/dist)
 */
import { mkdtempSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildStudio, ROOT } from './studio/build.js';
import { serveStudio, listRuns } from './studio/serve.js';

class UsageError extends Error {}

function options(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { port: { type: 'string' }, out: { type: 'string' }, runs: { type: 'string' } }, allowPositionals: true }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function main(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  if (mode !== 'serve' && mode !== 'build') throw new UsageError(`first argument must be 'serve' or 'build', got '${mode ?? ''}'`);
  const o = options(rest);
  if (mode === 'build') {
    if (o.port !== undefined || o.runs !== undefined) throw new UsageError('--port and --runs apply to serve (npm run studio), not build');
    const out = resolve(o.out ?? join(ROOT, 'studio', 'dist'));
    const b = await buildStudio(out);
    console.log(`studio: wrote ${out} (bundle ${(b.bundleBytes / 1e6).toFixed(2)} MB, ${b.seconds.toFixed(1)} s)`);
    return;
  }
  const port = o.port === undefined ? 5173 : Number(o.port);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port must be a whole number in 0..65535, got '${o.port}'`);
  const runs = o.runs === undefined ? undefined : resolve(o.runs);
  if (runs !== undefined && !statSync(runs, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--runs ${o.runs}: no such folder`);
  if (o.out !== undefined && existsSync(o.out) && !statSync(o.out).isDirectory()) throw new UsageError(`--out ${o.out}: is a file, not a folder`);
  // Without --out the site is built in a temporary folder, removed when the server stops.
  const temporary = o.out === undefined;
  const out = temporary ? mkdtempSync(join(tmpdir(), 'genlab-studio-')) : resolve(o.out!);
  const cleanUp = () => temporary && rmSync(out, { recursive: true, force: true });
  let server;
  try {
    // The port is taken first, so a busy one fails at once rather than after the build.
    try {
      server = await serveStudio(out, { port, runs });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`--port ${port}: already in use on 127.0.0.1`);
      throw e;
    }
    let b;
    try {
      b = await buildStudio(out, { dev: true });
    } catch (e) {
      await server.close();
      throw e;
    }
    console.log(`studio: built ${out} in ${b.seconds.toFixed(1)} s; serving ${server.url}${runs ? ` (runs from ${runs}: ${listRuns(runs).join(', ') || 'none yet'})` : ''}; Ctrl-C stops`);
  } catch (e) {
    cleanUp();
    throw e;
  }
  const running = server;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void running.close().finally(() => {
        cleanUp();
        process.exit(0);
      });
    });
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError) {
    console.error(`studio: ${e.message}`);
    process.exitCode = 2;
  } else {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  }
});
