import { z } from 'zod';
import { mapFileSchema } from '../mapping/map-file.js';
import type { NumberRange, OptionSpec, ValueSpec } from './option-spec.js';

/**
 * The zod schema of a value spec. `file` is a config file's view: a mapping may be a path (or the mapping,
 * checked by parseMapFile for its own messages), and no string is empty.
 */
export function valueSchema(spec: ValueSpec, where: 'library' | 'file'): z.ZodType {
  switch (spec.type) {
    case 'boolean':
      return z.boolean();
    case 'string': {
      if (spec.url === true) return z.url();
      let schema = z.string();
      const aliases = spec.aliases;
      if (aliases !== undefined) {
        schema = schema.overwrite((text) => (Object.hasOwn(aliases, text) ? aliases[text]! : text));
      }
      if (spec.trim === true) schema = schema.trim();
      if (spec.minLength !== undefined) schema = schema.min(spec.minLength);
      if (spec.maxLength !== undefined) schema = schema.max(spec.maxLength);
      if (spec.length !== undefined) schema = schema.length(spec.length);
      if (spec.upperCase === true) schema = schema.toUpperCase();
      if (where === 'file' && spec.minLength === undefined && spec.length === undefined) {
        schema = schema.min(1);
      }
      return schema;
    }
    case 'path':
      return spec.off === true ? z.union([z.string().min(1), z.literal(false)]) : z.string().min(1);
    case 'number':
      return numberSchema(spec);
    case 'choices':
      return z.enum(spec.choices);
    case 'list':
      return z.union([z.array(z.string().min(1)).min(1), z.literal(false)]);
    case 'count-or-share':
      return z.union([
        z.number().int().positive(),
        z.string().regex(/^\d+(\.\d+)?%?$/, 'expected a count such as 100 or a share such as 5%'),
      ]);
    case 'mapping':
      return where === 'file'
        ? z.union([z.string().min(1), z.record(z.string(), z.unknown())])
        : mapFileSchema;
  }
}

export function numberSchema(range: NumberRange): z.ZodNumber {
  let schema = z.number();
  if (range.integer === true) schema = schema.int();
  if (range.min !== undefined) schema = schema.min(range.min);
  if (range.above !== undefined) schema = schema.gt(range.above);
  if (range.max !== undefined) schema = schema.max(range.max);
  return schema;
}

/** A library option: its default when it has one, else optional unless required. */
export function librarySchema(spec: OptionSpec): z.ZodType {
  const value = valueSchema(spec, 'library');
  if (spec.where.library === 'required') return value;
  if ('default' in spec && spec.default !== undefined) return value.default(spec.default as never);
  return value.optional();
}
