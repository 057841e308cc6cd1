/** Every family's declaration: its defaults validate on images and on 2-D points, and each field a flag sets has a doc. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagsOf } from '../../src/config/schema.js';
import { getFamily, availableFamilies } from '../../src/models/registry.js';
import { trainingSchema } from '../../src/train/training_schema.js';
import { DEFAULT_TRAINING, validateTraining } from '../../src/train/config.js';
import type { DataShape } from '../../src/train/types.js';

const data: [DataShape, string][] = [
  [{ kind: 'images', shape: [28, 28, 1], numClasses: 10 }, 'mnist'],
  [{ kind: 'images', shape: [32, 32, 3], numClasses: 10 }, 'folder:cifar'],
  [{ kind: 'points', shape: [2], numClasses: 8 }, 'toy:eight-gaussians'],
];

test('each family declares its config, and its defaults pass its own validation for every kind of data', async () => {
  for (const name of await availableFamilies()) {
    const family = await getFamily(name);
    assert.ok(family.schema, `${name} declares its config`);
    for (const [shape, source] of data) family.validate(family.defaults(shape, source).model, `${name} on ${source}`);
    for (const s of flagsOf(family.schema!)) assert.ok(s.field.options.doc, `${name}: --${s.flag} has no doc`);
  }
  validateTraining(DEFAULT_TRAINING, 'defaults');
  for (const s of flagsOf(trainingSchema)) assert.ok(s.field.options.doc, `training: --${s.flag} has no doc`);
});
