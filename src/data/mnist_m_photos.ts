/**
 * The photographs `mnist-m` blends digits over (mnist_m.ts), read at load time from the sample
 * data of Debian's python3-skimage (scikit-image), so that no photo is committed here. Only the
 * images whose licence the package states as free (skimage/data/_fetchers.py docstrings,
 * python3-skimage 0.19.3) are used, and only colour photographs with texture:
 *
 *   astronaut.png  Eileen Collins, NASA Great Images: "released into the public domain"
 *   chelsea.png    a cat, by Stefan van der Walt: CC0
 *   coffee.png     a cup of coffee, by Rachel Michetti: CC0
 *   rocket.jpg     DSCOVR launch on Falcon 9, SpaceX: released into the public domain
 *
 * (Left out: hubble_deep_field.jpg and retina.jpg, public domain / CC0 but mostly black;
 * ihc.png and others whose docstring says only "no known copyright restrictions".)
 * Override the directory with the environment variable GENLAB_SKIMAGE_DATA_DIR.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { UserError } from '../util/errors.js';
import type { Photo } from './mnist_m.js';

export const SKIMAGE_DATA_DIR = '/usr/lib/python3/dist-packages/skimage/data';

export const MNIST_M_PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'] as const;

export function skimageDataDir(): string {
  return process.env.GENLAB_SKIMAGE_DATA_DIR || SKIMAGE_DATA_DIR;
}

/** Decodes the photos to RGB in [0, 1]; a UserError naming the apt package when they are missing. */
export async function loadMnistMPhotos(dir = skimageDataDir()): Promise<Photo[]> {
  const missing = MNIST_M_PHOTOS.map((n) => join(dir, n)).find((f) => !existsSync(f));
  if (missing) throw new UserError(`mnist-m: ${missing} not found; install the photographs with 'apt-get install python3-skimage'`);
  return Promise.all(
    MNIST_M_PHOTOS.map(async (name) => {
      const file = join(dir, name);
      let raw: { data: Buffer; info: OutputInfo };
      try {
        raw = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      } catch (e) {
        throw new UserError(`mnist-m: ${file}: cannot decode (${(e as Error).message.split('\n')[0]})`);
      }
      const { width, height, channels } = raw.info;
      if (channels !== 3) throw new UserError(`mnist-m: ${file}: expected an RGB image, got ${channels} channels`);
      const pixels = new Float32Array(raw.data.length);
      for (let i = 0; i < pixels.length; i++) pixels[i] = raw.data[i] / 255;
      return { name, height, width, pixels };
    }),
  );
}
