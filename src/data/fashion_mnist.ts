/**
 * `fashion-mnist`: Zalando's Fashion-MNIST (Xiao, Rasul & Vollgraf 2017), 60,000 train and
 * 10,000 test 28x28 greyscale images in 10 classes, read from the IDX files installed by the
 * Debian package dataset-fashion-mnist under /usr/share/datasets/fashion-mnist
 * (override the directory with the environment variable GENLAB_FASHION_MNIST_DIR).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { idxToImages } from './idx.js';
import { readIdx } from './idx_file.js';
import type { ImageDataset, Split } from './types.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const fashionMnistClasses = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export function fashionMnistFiles(split: Split, dir = process.env.GENLAB_FASHION_MNIST_DIR || FASHION_MNIST_DIR) {
  const prefix = split === 'train' ? 'train' : 't10k';
  return {
    images: join(dir, `${prefix}-images-idx3-ubyte.gz`),
    labels: join(dir, `${prefix}-labels-idx1-ubyte.gz`),
  };
}

export async function loadFashionMnist(split: Split): Promise<ImageDataset> {
  const files = fashionMnistFiles(split);
  for (const f of [files.images, files.labels]) {
    try {
      await access(f);
    } catch {
      throw new UserError(`fashion-mnist: ${f} not found; install it with 'apt-get install dataset-fashion-mnist'`);
    }
  }
  const [images, labels] = await Promise.all([readIdx(files.images), readIdx(files.labels)]);
  const im = idxToImages(images, files.images, labels, files.labels);
  return { kind: 'images', source: 'fashion-mnist', split, ...im, classNames: fashionMnistClasses.slice() };
}
