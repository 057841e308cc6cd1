import type { Dataset } from '../data/types.js';
import type { DataShape } from './types.js';

export function dataShapeOf(ds: Dataset): DataShape {
  if (ds.kind === 'images') {
    const classes = ds.classNames?.length ?? (ds.labels ? Math.max(...ds.labels) + 1 : 0);
    return { kind: 'images', shape: [ds.height, ds.width, ds.channels], numClasses: ds.labels ? classes : null };
  }
  return { kind: 'points', shape: [ds.dim], numClasses: ds.labels ? Math.max(...ds.labels) + 1 : null };
}
