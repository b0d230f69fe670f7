import type { Options } from 'yargs';
import type { NumberRange, ValueSpec } from './option-spec.js';

/** What a flag needs from a table entry: its value spec and help. */
export type FlagSpec = ValueSpec & { readonly help: string; readonly defaultHelp?: string };

/** The flag of a camelCase name: `dryRun` → `dry-run`, `rate429` → `rate-429`. */
export function flagName(name: string): string {
  return name.replace(/([a-z])(?=[A-Z\d])/g, '$1-').toLowerCase();
}

/**
 * The yargs definition of a flag. It never has a yargs default: a value yargs hands over is one the user typed,
 * so it can beat the environment and the config file. --help shows the table's default all the same.
 */
export function yargsFlag(spec: FlagSpec, where: { group?: string; env?: string } = {}): Options {
  const range = spec.type === 'number' ? rangeText(spec) : undefined;
  const notes = [range, where.env === undefined ? undefined : `env ${where.env}`].filter(
    (note) => note !== undefined,
  );
  const defaultValue = 'default' in spec ? spec.default : undefined;
  return {
    type: spec.type === 'boolean' || spec.type === 'number' ? spec.type : 'string',
    describe: notes.length === 0 ? spec.help : `${spec.help} (${notes.join('; ')})`,
    ...(spec.type === 'choices' ? { choices: spec.choices } : {}),
    ...(defaultValue !== undefined || spec.defaultHelp !== undefined
      ? { defaultDescription: defaultValue !== undefined ? String(defaultValue) : spec.defaultHelp }
      : {}),
    ...(where.group === undefined ? {} : { group: where.group }),
  };
}

/** A range as --help shows it: `1–256`, `> 0, ≤ 600`, `≥ 1`. */
export function rangeText(range: NumberRange): string | undefined {
  const { min, above, max } = range;
  if (min !== undefined && max !== undefined) return `${min}–${max}`;
  const parts = [
    above === undefined ? undefined : `> ${above}`,
    min === undefined ? undefined : `≥ ${min}`,
    max === undefined ? undefined : `≤ ${max}`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** What a number flag expects, for its one-line error: `seconds from 1 to 3600`. */
export function expectedNumber(range: NumberRange): string {
  const { min, above, max } = range;
  const what = range.unit ?? (range.integer === true ? 'a whole number' : 'a number');
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  const bounds = [
    above === undefined ? undefined : `above ${above}`,
    min === undefined ? undefined : `at least ${min}`,
    max === undefined ? undefined : `at most ${max}`,
  ].filter((part) => part !== undefined);
  return [what, bounds.join(' and ')].filter((part) => part !== '').join(' ');
}
