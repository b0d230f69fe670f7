import type { z } from 'zod';
import type { MapFile, mapFileSchema } from '../mapping/map-file.js';

/*
 * The vocabulary of an option table: what a value is and what checks it passes, and where the option may come
 * from. The tables themselves (import-options.ts, sandbox/switches.ts) hold no code, and this file imports
 * types only, so --help reads a table without loading zod; value-schema.ts turns a spec into zod.
 */

/** A value's kind and the checks it passes, wherever it comes from (flag, environment, config file, library). */
export type ValueSpec =
  | { readonly type: 'boolean'; readonly default?: boolean }
  | {
      readonly type: 'string';
      readonly default?: string;
      readonly minLength?: number;
      readonly maxLength?: number;
      readonly length?: number;
      /** Surrounding spaces removed. */
      readonly trim?: boolean;
      readonly upperCase?: boolean;
      readonly url?: boolean;
      /** Words that stand for a value hard to type, replaced before any check: `tab` for a tab. */
      readonly aliases?: Readonly<Record<string, string>>;
    }
  /**
   * A file path, not empty; in a config file, relative to the file's folder. `off`: `false` (`--no-<flag>`)
   * turns what it names off.
   */
  | { readonly type: 'path'; readonly off?: true }
  | ({ readonly type: 'number'; readonly default?: number } & NumberRange)
  | { readonly type: 'choices'; readonly choices: readonly [string, ...string[]]; readonly default?: string }
  /** Names separated by commas in a flag, a list elsewhere; `false` (`--no-<flag>`) for none. Never empty. */
  | { readonly type: 'list' }
  /** A count such as 100, or a share such as `5%`. */
  | { readonly type: 'count-or-share' }
  /** A mapping (mapping/map-file.ts): the path of a JSON file in a flag, the path or the mapping itself in a config file. */
  | { readonly type: 'mapping' };

export interface NumberRange {
  readonly integer?: boolean;
  readonly min?: number;
  /** An exclusive lower bound: `above: 0` for a positive number. */
  readonly above?: number;
  readonly max?: number;
  /** What the number counts, for messages: `seconds`. */
  readonly unit?: string;
}

/** The commands that read a CSV; an option names the ones that take it as a flag. */
export type CommandName = 'import' | 'validate' | 'retry';

/** The sections of --help. */
export type Group = 'API:' | 'Mapping:' | 'Input:' | 'Sending:' | 'Ledger:' | 'Results:' | 'Output:';

/** Where an option is used and may come from. */
export interface OptionPlacement {
  /** The commands that take it as the flag `--<kebab-name>`. Without: not a flag. */
  readonly commands?: readonly CommandName[];
  readonly group?: Group;
  /** An environment variable that gives it when no flag does; it beats the config file. */
  readonly env?: string;
  /** A config file may set it; or the one line that refuses the key by name. */
  readonly file?: true | { readonly refused: string };
  /** Part of the library's options (`ImportOptions`), perhaps required; without, the CLI alone reads it. */
  readonly library?: true | 'required';
  /** The retry command printed after a run repeats it: as the user typed it, or the value the run used. */
  readonly retry?: 'typed' | 'used';
}

export type OptionSpec = ValueSpec & {
  /** What it does, in one line of --help. The default, range and environment variable are added from the spec. */
  readonly help: string;
  /** The default as --help says it, when the default is not a value: `detected`, `<input>.results.csv`. */
  readonly defaultHelp?: string;
  readonly where: OptionPlacement;
};
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type MapFileInput = z.input<typeof mapFileSchema>;

/** The value an option holds once checked (`out`), or as a library caller may give it (`in`). */
export type ValueOf<S, Side extends 'in' | 'out' = 'out'> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'path'; off: true }
    ? string | false
    : S extends { type: 'string' | 'path' }
      ? string
      : S extends { type: 'number' }
        ? number
        : S extends { type: 'choices'; choices: readonly (infer C)[] }
          ? C
          : S extends { type: 'list' }
            ? string[] | false
            : S extends { type: 'count-or-share' }
              ? number | string
              : S extends { type: 'mapping' }
                ? Side extends 'in'
                  ? MapFileInput
                  : MapFile
                : never;

/** The value of a flag as yargs hands it over: null for a number flag given something else. */
export type FlagValueOf<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'number' }
    ? number | null
    : S extends { type: 'choices'; choices: readonly (infer C)[] }
      ? C
      : S extends { type: 'list' } | { type: 'path'; off: true }
        ? string | false
        : string;

/** A config file's value: as checked, except a mapping, which may still be a path. */
export type FileValueOf<S> = S extends { type: 'mapping' } ? string | MapFile : ValueOf<S>;

type IsRequired<S> = S extends { where: { library: 'required' } } ? true : false;
/** Always there once checked: a default, or required. */
type IsSettled<S> = S extends { default: unknown } ? true : IsRequired<S>;
type Not<B extends boolean> = B extends true ? false : true;
/** K when its entry is a library option and `When` holds. */
type LibraryKey<S, K, When extends boolean> = S extends { where: { library: true | 'required' } }
  ? When extends true
    ? K
    : never
  : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The library's checked options: those with a default or required are always there. */
export type LibraryOptions<T extends OptionTable> = Simplify<
  { -readonly [K in keyof T as LibraryKey<T[K], K, IsSettled<T[K]>>]: ValueOf<T[K]> } & {
    -readonly [K in keyof T as LibraryKey<T[K], K, Not<IsSettled<T[K]>>>]?: ValueOf<T[K]>;
  }
>;

/** The library's options as a caller gives them: only the required ones must be there. */
export type LibraryInput<T extends OptionTable> = Simplify<
  { -readonly [K in keyof T as LibraryKey<T[K], K, IsRequired<T[K]>>]: ValueOf<T[K], 'in'> } & {
    -readonly [K in keyof T as LibraryKey<T[K], K, Not<IsRequired<T[K]>>>]?: ValueOf<T[K], 'in'>;
  }
>;

/** The flags of a command as yargs hands them over (camel-cased), each undefined unless typed. */
export type FlagValues<T extends OptionTable> = {
  -readonly [
    K in keyof T as T[K] extends { where: { commands: readonly CommandName[] } } ? K : never
  ]?: FlagValueOf<T[K]>;
};

/** What a config file may hold, checked. */
export type FileValues<T extends OptionTable> = {
  -readonly [K in keyof T as T[K] extends { where: { file: true } } ? K : never]?: FileValueOf<T[K]>;
};

/** Every option's value after the merge of flags, environment and config file, before the defaults. */
export type MergedValues<T extends OptionTable> = { -readonly [K in keyof T]?: ValueOf<T[K]> };
