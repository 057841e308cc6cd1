/**
 * Config schemas: one declaration per config gives its TypeScript type (`Infer`), its defaults
 * (`defaults(ctx)`, where a default may depend on the data, e.g. images vs 2-D points), its
 * validation (`validate`, a one-line UserError naming the key: `${where}: ${key} must be ...,
 * got ${JSON}`), and its command-line flags with a one-line doc each (`flagsOf`, `applyFlags`,
 * `helpRows`), so that the four can no longer drift apart.
 *
 * Why a small helper of our own rather than zod: (1) the messages are genlab's, exact, and
 * asserted by tests; zod's would have to be mapped back issue by issue. (2) Flags and help are
 * part of the declaration here (flag name, doc, value placeholder, 'off' for null), which zod
 * has no place for except opaque `.describe()` strings. (3) Defaults that depend on the data
 * and on other choices (a GAN's loss) are functions of a typed context, not zod's constant
 * `.default()`. (4) It stays browser-safe and dependency-free (no Node imports: it runs
 * wherever the models run). The type inference follows zod's z.infer.
 *
 * This file is the declaration language (the builders below) and the public surface; the field
 * kinds are fields.ts, objects, records, unions and type inference structure.ts, flags
 * flags.ts, --help rows help.ts.
 */
import { BoolField, IntField, IntListField, NullableField, NumField, OneOfField, OptionalField, StrField, type Field, type FieldOptions, type NoContext, type NullableOptions, type NumBounds } from './fields.js';
import { ObjectField, RecordField, UnionField, type InferShape, type ObjectOptions, type Shape, type ShapeContext, type VariantsContext, type VariantsType } from './structure.js';

export * from './fields.js';
export * from './structure.js';
export * from './flags.js';
export * from './help.js';

// ---- Builders (the declaration language).

export const int = <C = NoContext>(o: FieldOptions<number, C> & { min?: number; max?: number } = {}) => new IntField<C>(o.min ?? 0, o.max, o);
export const num = <C = NoContext>(o: FieldOptions<number, C> & NumBounds = {}) => new NumField<C>(o, o);
export const oneOf = <const T extends string, C = NoContext>(values: readonly T[], o: FieldOptions<T, C> = {}) => new OneOfField<T, C>(values, o);
export const bool = <C = NoContext>(o: FieldOptions<boolean, C> = {}) => new BoolField<C>(o);
export const str = <C = NoContext>(o: FieldOptions<string, C> = {}) => new StrField<C>(o);
export const intList = <C = NoContext>(o: FieldOptions<number[], C> & { length?: number; allowEmpty?: boolean } = {}) =>
  new IntListField<C>(o.length, o.allowEmpty ?? false, o);
export const nullable = <T, C, D = NoContext>(inner: Field<T, C>, o: NullableOptions<T, D> = {}) => new NullableField<T, C | D>(inner as Field<T, C | D>, o as NullableOptions<T, C | D>);
export const optional = <T, C>(inner: Field<T, C>) => new OptionalField<T, C>(inner);
export const object = <S extends Shape>(shape: S, o: ObjectOptions<InferShape<S>> = {}) => new ObjectField<InferShape<S>, ShapeContext<S>>(shape, o);
export const record = <T, C, D = NoContext>(inner: Field<T, C>, o: FieldOptions<Record<string, T>, D> & { nonEmpty?: boolean } = {}) =>
  new RecordField<T, C | D>(inner as Field<T, C | D>, o as FieldOptions<Record<string, T>, C | D>);
/** A tagged union; its default is either whole (`default`) or the variant's defaults under the tag `tagDefault` picks. */
export const union = <const Tag extends string, V extends Record<string, Shape>, D = NoContext>(
  tag: Tag,
  variants: V,
  o: FieldOptions<VariantsType<Tag, V>, D> & { tagDefault?: (ctx: D) => keyof V & string } = {},
) =>
  new UnionField<VariantsType<Tag, V>, D | VariantsContext<V>>(tag, variants, o.tagDefault as ((ctx: D | VariantsContext<V>) => string) | undefined, o as FieldOptions<VariantsType<Tag, V>, D | VariantsContext<V>>);

/** True when A and B are the same type: for pinning a declaration to an interface the model code keeps. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
