/** `genlab train classifier`: every flag is one field of the declaration (src/models/classifier/config.ts). */
import { classifierConfigSchema, type ClassifierConfig } from '../../models/classifier/config.js';
import { schemaFlags } from './schema_flags.js';
import type { FamilyCli } from './types.js';

export const classifierCli: FamilyCli<ClassifierConfig> = { name: 'classifier', train: schemaFlags(classifierConfigSchema) };
