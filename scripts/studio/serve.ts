/**
 * The studio's server on 127.0.0.1: the built site, with the cross-origin isolation headers
 * (COOP same-origin, COEP require-corp) a page needs for SharedArrayBuffer, i.e. for the
 * threaded wasm build. `runs`: a folder of runs exported by `genlab export`, served at /runs/,
 * with /runs/index.json listing the sub-folders that hold a config.json (the page's "Load your
 * own" menu). GET and HEAD only; nothing outside the folders is served.
 */
import { createServer } from 'node:http';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // The page and everything it loads come from this origin; say so for COEP's sake.
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm', // WebAssembly.instantiateStreaming insists on it
  '.bin': 'application/octet-stream',
  '.idx': 'application/octet-stream',
  '.png': 'image/png',
};

export interface StudioServer {
  url: string;
  close(): Promise<void>;
}

/** The exported runs in `dir`: names of sub-folders with a config.json. */
export function listRuns(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'config.json')))
    .sort();
}

function inside(root: string, rel: string): string | null {
  const r = normalize(root);
  const p = normalize(join(r, rel || 'index.html'));
  if (p !== r && !p.startsWith(r + sep)) return null;
  return statSync(p, { throwIfNoEntry: false })?.isFile() ? p : null;
}

/** `isolate: false` leaves out the isolation headers (what a plain static host does; the page then runs one wasm thread). */
export async function serveStudio(site: string, opts: { port?: number; runs?: string; isolate?: boolean } = {}): Promise<StudioServer> {
  const ISOLATION = opts.isolate === false ? {} : ISOLATION_HEADERS;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...ISOLATION, Allow: 'GET, HEAD' }).end();
      return;
    }
    if (opts.runs && path === '/runs/index.json') {
      const body = JSON.stringify(listRuns(opts.runs)) + '\n';
      res.writeHead(200, { ...ISOLATION, 'Content-Type': TYPES['.json'], 'Cache-Control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const file = opts.runs && path.startsWith('/runs/') ? inside(opts.runs, path.slice('/runs/'.length)) : inside(site, path.slice(1));
    if (!file) {
      res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...ISOLATION, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
