/** A declaration's flags: found in it, applied to a config, and the field behind one. */
import { NullableField, OptionalField, isPlainObject, type AnyField } from './fields.js';
import { ObjectField, RecordField, UnionField, getPath, type ConfigSchema, type Shape } from './structure.js';

/** One flag of a config: its name, where it writes (keys; '*' = every entry of a record) and its field. */
export interface FlagSpec {
  flag: string;
  path: string[];
  field: AnyField;
  /** Set when the flag lives inside one variant of a tagged union: it applies only to configs of that variant. */
  variant?: { path: string[]; tag: string; value: string };
}

/** Every flag of a schema, in declaration order. Throws when two fields claim one flag. */
export function flagsOf(schema: ConfigSchema<unknown>): FlagSpec[] {
  const out: FlagSpec[] = [];
  const walk = (field: AnyField, path: string[], variant?: FlagSpec['variant']): void => {
    if (field.options.flag) out.push({ flag: field.options.flag, path, field, variant });
    const f = field instanceof OptionalField || field instanceof NullableField ? field.inner : field;
    if (f instanceof ObjectField) for (const [k, c] of Object.entries(f.shape as Shape)) walk(c, [...path, k], variant);
    else if (f instanceof RecordField) walk(f.inner, [...path, '*'], variant);
    else if (f instanceof UnionField) {
      for (const [value, v] of Object.entries(f.variants)) for (const [k, c] of Object.entries(v.shape)) if (k !== f.tag) walk(c, [...path, k], { path, tag: f.tag, value });
    }
  };
  for (const [k, f] of Object.entries(schema.shape)) walk(f, [k]);
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.flag)) throw new Error(`config schema: two fields claim --${s.flag}`);
    seen.add(s.flag);
  }
  return out;
}

/** The value a flag writes, read from a config (for --help): every record entry's, or undefined when it does not apply. */
export function flagValue(config: unknown, spec: FlagSpec): unknown[] {
  if (spec.variant && getPath(config, [...spec.variant.path, spec.variant.tag]) !== spec.variant.value) return [];
  let values: unknown[] = [config];
  for (const k of spec.path) values = values.flatMap((v) => (!isPlainObject(v) ? [] : k === '*' ? Object.values(v) : [v[k]]));
  return values;
}

function setPath(target: unknown, keys: string[], value: unknown): void {
  if (!isPlainObject(target)) return;
  const [k, ...rest] = keys;
  const next = k === '*' ? Object.keys(target) : [k];
  for (const key of next) {
    if (rest.length === 0) target[key] = JSON.parse(JSON.stringify(value));
    else setPath(target[key], rest, value);
  }
}

/**
 * A copy of `config` with each given flag (flag name -> text) parsed by its field and written at
 * its path, in declaration order. A flag inside a union variant the config is not of is ignored.
 */
export function applyFlags<T>(schema: ConfigSchema<T>, given: Readonly<Record<string, string | undefined>>, config: T): T {
  const out = JSON.parse(JSON.stringify(config)) as T;
  for (const spec of flagsOf(schema)) {
    const text = given[spec.flag];
    if (text === undefined) continue;
    const value = spec.field.parseFlag(text, spec.flag);
    if (spec.variant && getPath(out, [...spec.variant.path, spec.variant.tag]) !== spec.variant.value) continue;
    setPath(out, spec.path, value);
  }
  return out;
}

/** The field behind a flag, to parse that flag's text elsewhere (e.g. `genlab sample --sampling-steps`). */
export function flagField(schema: ConfigSchema<unknown>, flag: string): AnyField {
  const spec = flagsOf(schema).find((s) => s.flag === flag);
  if (!spec) throw new Error(`config schema: no field has --${flag}`);
  return spec.field;
}
