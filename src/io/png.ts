/**
 * Raster images in and out of files through sharp. Writes are atomic: the encoded bytes go to
 * a temporary file beside the target, which is then renamed over it, so a failed write never
 * leaves a partial file or destroys an existing one. Parent directories are created.
 */
import { extname } from 'node:path';
import sharp from 'sharp';
import { UserError } from '../util/errors.js';

/** 8-bit pixels, row-major, channels interleaved (HWC). */
export interface RasterImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

const formats: Record<string, ImageFormat> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.webp': 'webp',
  '.gif': 'gif',
};

/** The format named by a file's extension, limited to `allowed`; UserError otherwise. */
export function formatOf(path: string, allowed: ImageFormat[]): ImageFormat {
  const f = formats[extname(path).toLowerCase()];
  if (!f || !allowed.includes(f)) {
    const exts = Object.entries(formats)
      .filter(([, v]) => allowed.includes(v))
      .map(([k]) => k);
    throw new UserError(`${path}: unsupported image file extension; use ${exts.join(', ')}`);
  }
  return f;
}

export { writeFileAtomic } from './atomic.js';
import { writeFileAtomic } from './atomic.js';

/** Encodes a raster as PNG, JPEG or WebP (chosen by the file extension) and writes it atomically. */
export async function writeRaster(path: string, img: RasterImage): Promise<void> {
  const format = formatOf(path, ['png', 'jpeg', 'webp']);
  let s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
  if (img.channels <= 2) s = s.toColourspace('b-w'); // keep greyscale files greyscale (sharp otherwise writes sRGB)
  s = format === 'png' ? s.png({ compressionLevel: 9 }) : format === 'jpeg' ? s.jpeg({ quality: 95 }) : s.webp({ lossless: true });
  await writeFileAtomic(path, await s.toBuffer());
}

/**
 * Decodes an image file (PNG, JPEG, WebP, GIF: first frame) to 8-bit pixels with the file's
 * own channel count (1 for greyscale, 3 for RGB, 4 with alpha; grey with alpha comes back as RGBA).
 */
export async function readImage(path: string): Promise<RasterImage> {
  try {
    let s = sharp(path);
    if ((await s.metadata()).channels === 1) s = s.toColourspace('b-w'); // sharp would expand grey to sRGB
    const { data, info } = await s.raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    if (/missing|does not exist/i.test(msg)) throw new UserError(`${path}: file not found`);
    throw new UserError(`${path}: cannot read image (${msg})`);
  }
}

/** Reads every frame of an animated GIF or WebP: frames stacked vertically, `pages` of them. */
export async function readAnimation(path: string): Promise<{ frames: RasterImage[]; delay?: number[]; loop?: number }> {
  try {
    const s = sharp(path, { animated: true });
    const meta = await s.metadata();
    const { data, info } = await s.raw().toBuffer({ resolveWithObject: true });
    const pages = meta.pages ?? 1;
    const h = meta.pageHeight ?? info.height;
    const frameBytes = info.width * h * info.channels;
    const frames: RasterImage[] = [];
    for (let p = 0; p < pages; p++) {
      frames.push({ data: new Uint8Array(data.subarray(p * frameBytes, (p + 1) * frameBytes)), width: info.width, height: h, channels: info.channels });
    }
    return { frames, delay: meta.delay, loop: meta.loop };
  } catch (e) {
    throw new UserError(`${path}: cannot read animation (${(e as Error).message.split('\n')[0]})`);
  }
}

export interface AnimationOptions {
  /** Milliseconds per frame, one value or one per frame; default 100. */
  delayMs?: number | number[];
  /** Times to play; 0 (default) loops forever. */
  loop?: number;
}

/**
 * Writes frames of equal size as an animated GIF or WebP (by extension), atomically.
 * Greyscale frames are expanded to RGB. GIF quantises to a 256-colour palette; WebP is lossless.
 */
export async function writeAnimation(path: string, frames: RasterImage[], opts: AnimationOptions = {}): Promise<void> {
  const format = formatOf(path, ['gif', 'webp']);
  if (frames.length === 0) throw new Error('writeAnimation: no frames');
  const { width, height } = frames[0];
  const frameBytes = width * height * 3;
  const all = new Uint8Array(frameBytes * frames.length);
  frames.forEach((f, i) => {
    if (f.width !== width || f.height !== height) {
      throw new Error(`writeAnimation: frame ${i} is ${f.width}x${f.height}, frame 0 is ${width}x${height}`);
    }
    all.set(toRgb(f).data, i * frameBytes);
  });
  // one delay per frame (sharp applies a single number to the first frame only)
  const delay = Array.isArray(opts.delayMs) ? opts.delayMs.map(Math.round) : new Array<number>(frames.length).fill(Math.round(opts.delayMs ?? 100));
  if (delay.length !== frames.length) {
    throw new Error(`writeAnimation: ${delay.length} delays for ${frames.length} frames`);
  }
  const anim = { delay, loop: opts.loop ?? 0 };
  let s = sharp(all, { raw: { width, height: height * frames.length, channels: 3, pageHeight: height } });
  s = format === 'gif' ? s.gif({ ...anim, effort: 7, keepDuplicateFrames: true }) : s.webp({ ...anim, lossless: true });
  await writeFileAtomic(path, await s.toBuffer());
}

/** The same image with 3 channels: grey is repeated, alpha is dropped. */
export function toRgb(img: RasterImage): RasterImage {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  const c = img.channels;
  for (let i = 0; i < n; i++) {
    if (c <= 2) {
      const v = img.data[i * c];
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = v;
    } else {
      out[3 * i] = img.data[i * c];
      out[3 * i + 1] = img.data[i * c + 1];
      out[3 * i + 2] = img.data[i * c + 2];
    }
  }
  return { data: out, width: img.width, height: img.height, channels: 3 };
}
