/**
 * Where a run's files are read from: a folder of the file system (dir_source.ts, Node) or a
 * URL (here, by fetch, anywhere fetch exists). Paths are relative to the run and '/'-separated
 * ('config.json', 'model/model.json'), so loading code is the same for both.
 */
export interface WeightsSource {
  /** The run as the caller named it (a directory or a URL), for messages. */
  readonly root: string;
  /** The full name of `path`, for messages: a file path or a URL. */
  where(path: string): string;
  exists(path: string): Promise<boolean>;
  /** The file's bytes; throws an Error saying why (the file system's, or the HTTP status) when it cannot. */
  read(path: string): Promise<Uint8Array>;
}

export async function readText(source: WeightsSource, path: string): Promise<string> {
  return new TextDecoder().decode(await source.read(path));
}

/**
 * A run served over HTTP(S): `base` is its folder's URL (a trailing '/' is added), absolute or,
 * in a page, relative to the page. Files are fetched one by one; nothing lists the folder.
 */
export function urlSource(base: string | URL): WeightsSource {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const href = String(base);
  const url = new URL(href.endsWith('/') ? href : `${href}/`, page);
  const at = (path: string) => new URL(path, url);
  return {
    root: href,
    where: (path) => at(path).href,
    async exists(path) {
      try {
        const r = await fetch(at(path), { method: 'HEAD' });
        // A server that does not do HEAD gets a GET (its body unread).
        return r.status === 405 || r.status === 501 ? (await fetch(at(path))).ok : r.ok;
      } catch {
        return false;
      }
    },
    async read(path) {
      const r = await fetch(at(path));
      if (!r.ok) throw new Error(`HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`);
      return new Uint8Array(await r.arrayBuffer());
    },
  };
}

/** Whether a run spec names a URL rather than a path. */
export const isUrl = (spec: string): boolean => /^https?:\/\//i.test(spec);
