/** --help rows of a declaration's flags: usage, doc and the default read from a config. */
import { NullableField, type AnyField } from './fields.js';
import { flagValue, flagsOf } from './flags.js';
import type { ConfigSchema } from './structure.js';

export interface HelpRow {
  /** '--latent N' */
  usage: string;
  doc: string;
  /** The default as the flag would write it. */
  default: string;
  /** The default for the alternative context (e.g. 2-D points), when it differs. */
  alternative?: string;
}

/** A value as the flag would write it: lists comma-joined, null as 'off' (or 'none'). */
export function formatFlagValue(field: AnyField, values: unknown[]): string {
  if (values.length === 0) return 'does not apply';
  const one = (v: unknown): string => {
    if (v === null) return field instanceof NullableField && field.options.off ? 'off' : 'none';
    if (field instanceof NullableField && field.options.toFlag) return field.options.toFlag(v);
    if (Array.isArray(v)) return v.join(',');
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  return [...new Set(values.map(one))].join(' / ');
}

/**
 * One row per flag of `schema`: usage, doc, and the default read from `defaults` (a complete
 * config, e.g. the family's defaults on mnist); with `alternative`, its default where it differs.
 */
export function helpRows(schema: ConfigSchema<unknown>, defaults: unknown, alternative?: unknown, omit: readonly string[] = []): HelpRow[] {
  return flagsOf(schema)
    .filter((s) => !omit.includes(s.flag))
    .map((s) => {
      const d = formatFlagValue(s.field, flagValue(defaults, s));
      const alt = alternative === undefined ? undefined : formatFlagValue(s.field, flagValue(alternative, s));
      return { usage: `--${s.flag} ${s.field.placeholder()}`, doc: s.field.options.doc ?? '', default: d, alternative: alt !== d ? alt : undefined };
    });
}

/** Rows as aligned lines: `  --latent N        dimension of z (default 32; 2-D points: 2)`. */
export function formatHelp(rows: readonly HelpRow[], alternativeLabel = 'otherwise'): string {
  const width = Math.min(30, Math.max(...rows.map((r) => r.usage.length), 0) + 2);
  return rows
    .map((r) => {
      const dflt = `default ${r.default}${r.alternative !== undefined ? `; ${alternativeLabel}: ${r.alternative}` : ''}`;
      const left = r.usage.length + 2 > width ? `${r.usage}\n${' '.repeat(width + 2)}` : r.usage.padEnd(width);
      return `  ${left}${r.doc} (${dflt})`;
    })
    .join('\n');
}
