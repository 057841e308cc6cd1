/** Bundles a browser entry with esbuild as a page's build would: platform browser, ESM, no externals. */
import { build, type BuildFailure, type Metafile } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Throws, listing every import esbuild could not resolve ("file:line: Could not resolve ..."),
 * when the entry's graph reaches something a browser does not have. Metafile paths are relative to ROOT.
 */
export async function bundleForBrowser(entry: string, outfile?: string): Promise<{ metafile: Metafile; bytes: number }> {
  try {
    const r = await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      ...(outfile ? { outfile } : { write: false, outdir: 'out' }),
      metafile: true,
      logLevel: 'silent',
    });
    const bytes = Object.values(r.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
    return { metafile: r.metafile, bytes };
  } catch (e) {
    const errors = (e as BuildFailure).errors;
    if (!errors) throw e;
    const lines = errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
    throw new Error(`esbuild (platform browser) failed with ${errors.length} error(s):\n  ${lines.join('\n  ')}`);
  }
}
