/**
 * `folder:<dir>`: a directory of PNG, JPEG or WebP images, decoded with sharp.
 *
 * Layout:
 *   dir/*.png                  unlabelled images
 *   dir/<class>/*.png          labelled images; class names are the subfolder names, sorted
 *   dir/train/..., dir/test/...   optional splits, each laid out as above
 * Without train/ and test/ subfolders the whole directory is the train split.
 *
 * Options: `size` resizes every image to size x size (scaled to cover the square, then centre
 * cropped); without it all images must have the same size. `channels` 1 converts to greyscale,
 * 3 to sRGB; the default is 1 if every image is greyscale and 3 otherwise. Alpha is flattened
 * onto black. Files are read in name order; classes are interleaved as for mnist.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { UserError } from '../util/errors.js';
import { interleave } from './mnist.js';
import type { ImageDataset, Split } from './types.js';

export const imageExtensions = ['.png', '.jpg', '.jpeg', '.webp'];

export interface FolderOptions {
  size?: number;
  channels?: 1 | 3;
  limit?: number;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function listDir(dir: string): Promise<{ images: string[]; dirs: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true });
  const images: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isFile() && imageExtensions.includes(extname(e.name).toLowerCase())) images.push(e.name);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { images: images.sort(byName), dirs: dirs.sort(byName) };
}

/** Whether an image folder is split into train/ and test/ subfolders (either present counts). */
export async function folderHasSplits(dir: string): Promise<boolean> {
  return (await isDir(join(dir, 'train'))) || (await isDir(join(dir, 'test')));
}

/** Finds the image files of one split: [files, class names or undefined, label per file]. */
async function findImages(dir: string, split: Split): Promise<{ files: string[]; labels?: number[]; classNames?: string[] }> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new UserError(`folder:${dir}: not a directory`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`folder:${dir}: directory not found`);
  }
  let root = dir;
  if (await folderHasSplits(dir)) {
    root = join(dir, split);
    if (!(await isDir(root))) throw new UserError(`folder:${dir}: has no '${split}' subfolder`);
  } else if (split === 'test') {
    throw new UserError(`folder:${dir}: has no train/ and test/ subfolders, so no test split; use the folder as train`);
  }
  const top = await listDir(root);
  const classes: { name: string; files: string[] }[] = [];
  for (const d of top.dirs) {
    const sub = await listDir(join(root, d));
    if (sub.images.length > 0) classes.push({ name: d, files: sub.images.map((f) => join(root, d, f)) });
  }
  if (top.images.length > 0 && classes.length > 0) {
    throw new UserError(`folder:${root}: has images both at the top level and in class subfolders (${classes[0].name}/)`);
  }
  if (top.images.length > 0) return { files: top.images.map((f) => join(root, f)) };
  if (classes.length === 0) throw new UserError(`folder:${root}: no images found (${imageExtensions.join(' ')})`);
  const order = interleave(classes.map((c) => c.files.length));
  return {
    files: order.map(([c, j]) => classes[c].files[j]),
    labels: order.map(([c]) => c),
    classNames: classes.map((c) => c.name),
  };
}

/** Runs `f` over `items` with at most `width` calls in flight, keeping order. */
async function mapLimited<T, R>(items: T[], width: number, f: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

export async function loadFolder(dir: string, split: Split, opts: FolderOptions = {}): Promise<ImageDataset> {
  let { files, labels, classNames } = await findImages(dir, split);
  if (opts.limit !== undefined && opts.limit < files.length) {
    files = files.slice(0, opts.limit);
    labels = labels?.slice(0, opts.limit);
  }
  const metas = await mapLimited(files, 8, async (file) => {
    try {
      return await sharp(file).metadata();
    } catch (e) {
      throw new UserError(`${file}: cannot read image (${(e as Error).message.split('\n')[0]})`);
    }
  });
  let height: number;
  let width: number;
  if (opts.size !== undefined) {
    height = width = opts.size;
  } else {
    height = metas[0].height ?? 0;
    width = metas[0].width ?? 0;
    metas.forEach((m, i) => {
      if (m.width !== width || m.height !== height) {
        throw new UserError(
          `${files[i]}: is ${m.width}x${m.height} but ${files[0]} is ${width}x${height}; the images of a folder: source must all have one size, so resize the files (only 'genlab data info|grid' resize on the fly, with --size S)`,
        );
      }
    });
  }
  // greyscale sources have 1 band (2 with alpha)
  const channels: 1 | 3 = opts.channels ?? (metas.every((m) => (m.channels ?? 3) <= 2) ? 1 : 3);
  const per = height * width * channels;
  const pixels = new Float32Array(files.length * per);
  await mapLimited(files, 8, async (file, i) => {
    let img = sharp(file);
    if (metas[i].hasAlpha) img = img.flatten({ background: '#000000' });
    if (opts.size !== undefined) img = img.resize(opts.size, opts.size, { fit: 'cover', position: 'centre' });
    img = channels === 1 ? img.greyscale() : img.toColourspace('srgb');
    let out: { data: Buffer; info: OutputInfo };
    try {
      out = await img.raw().toBuffer({ resolveWithObject: true });
    } catch (e) {
      throw new UserError(`${file}: cannot decode image (${(e as Error).message.split('\n')[0]})`);
    }
    const { data, info } = out;
    if (info.width !== width || info.height !== height || info.channels !== channels) {
      throw new UserError(`${file}: decoded to ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x${channels}`);
    }
    const base = i * per;
    for (let k = 0; k < per; k++) pixels[base + k] = data[k] / 255;
  });
  return {
    kind: 'images',
    source: `folder:${dir}`,
    split,
    n: files.length,
    height,
    width,
    channels,
    pixels,
    labels: labels ? Int32Array.from(labels) : undefined,
    classNames,
  };
}
