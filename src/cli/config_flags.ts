/**
 * A config declaration's flags (src/config/schema.ts) as node:util.parseArgs options, and the
 * flags a command line gave, as text by flag name (what applyFlags takes).
 */
import { flagsOf, type ConfigSchema } from '../config/schema.js';
import { str, type OptionSpec, type ParsedArgs } from './args.js';

/** `{ latent: { type: 'string' }, ... }` for every flag of `schema` but those in `omit`. */
export function configOptions(schema: ConfigSchema<unknown>, omit: readonly string[] = []): OptionSpec {
  const out: OptionSpec = {};
  for (const s of flagsOf(schema)) if (!omit.includes(s.flag)) out[s.flag] = { type: 'string' };
  return out;
}

/** The flags of `schema` present on the command line (but those in `omit`), flag name -> text. */
export function givenFlags(a: ParsedArgs, schema: ConfigSchema<unknown>, omit: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of flagsOf(schema)) {
    const v = omit.includes(s.flag) ? undefined : str(a, s.flag);
    if (v !== undefined) out[s.flag] = v;
  }
  return out;
}

/** Option specs merged; two specs naming one option is a programming error, not a user's. */
export function mergeOptions(...specs: OptionSpec[]): OptionSpec {
  const out: OptionSpec = {};
  for (const spec of specs) {
    for (const [k, v] of Object.entries(spec)) {
      if (k in out) throw new Error(`two option sets define --${k}`);
      out[k] = v;
    }
  }
  return out;
}
