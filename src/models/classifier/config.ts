/**
 * The classifier family's configuration, declared once (src/config/schema.ts): type, defaults,
 * validation and flags. Defaults are those of the shipped feature networks.
 */
import { int, intList, num, object, type Infer } from '../../config/schema.js';
import type { DataShape } from '../../train/types.js';

/** What the defaults depend on: the data (its classes) and its source (fashion-mnist's own settings). */
export interface ClassifierDefaultsContext {
  data: DataShape;
  source: string;
}

const fashion = (c: ClassifierDefaultsContext) => c.source.replace(/:(train|test)$/, '') === 'fashion-mnist';

export const classifierConfigSchema = object({
  /** Channel widths of the three conv stages. */
  channels: intList({ length: 3, default: [32, 64, 64] }),
  /** Width of the feature (penultimate) layer. */
  features: int({ min: 1, default: 128, flag: 'features', doc: 'width of the feature (penultimate) layer: the space of genlab eval' }),
  dropout: num({ min: 0, lt: 1, default: 0.3, flag: 'dropout', doc: 'dropout on the features while training' }),
  /**
   * Random translation of training images by up to this many pixels (augmentation). On
   * fashion-mnist 3 epochs of batch 64 with 2-pixel shifts gave 88.95%; 6 epochs of 128 with
   * 1-pixel shifts 91.01%.
   */
  shiftPixels: int({ min: 0, default: (c: ClassifierDefaultsContext) => (fashion(c) ? 1 : 2), flag: 'shift', doc: 'random translation of training images by up to this many pixels' }),
  numClasses: int({ min: 2, default: (c: ClassifierDefaultsContext) => c.data.numClasses ?? 10, must: 'must be at least 2 (does the source have labels?)' }),
});

export type ClassifierConfig = Infer<typeof classifierConfigSchema>;
