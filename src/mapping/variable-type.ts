import type { VariableType } from '../config.js';

export type ConvertResult = { ok: true; value: string | number | boolean } | { ok: false; reason: string };

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
// "1,5" from a spreadsheet set to a language that writes decimals with a comma (French, German, Spanish…).
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
// TRUE and FALSE as spreadsheets write them in English, French, German, Spanish, Italian, Portuguese and Dutch,
// and yes/no in those languages: what a column of ticks exported from a local-language sheet holds.
const TRUE = new Set('true yes y 1 vrai oui wahr ja verdadero sí si vero verdadeiro sim waar'.split(' '));
const FALSE = new Set('false no n 0 faux non falsch nein falso não nao onwaar nee'.split(' '));

/** A cell read as a boolean, as the `boolean` type reads it (any case); undefined when it is neither. */
export function readBoolean(cell: string): boolean | undefined {
  const lower = cell.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return undefined;
}

/**
 * Converts a trimmed, non-empty cell to the type of an NLPearl variable (string, int, float, boolean). A float
 * may be written with a decimal comma ("1,5" → 1.5) unless it is ambiguous: "1,500" may be a thousand and a
 * half or one and a half, so it is refused. Booleans take true/false and yes/no in several languages (TRUE,
 * FAUX, WAHR, Oui, Nein…), y/n and 1/0, in any case. A reason says what is wrong without repeating the cell.
 */
export function convertValue(cell: string, type: VariableType): ConvertResult {
  switch (type) {
    case 'string':
      return { ok: true, value: cell };
    case 'int': {
      const value = Number(cell);
      if (INT.test(cell)) {
        if (Number.isSafeInteger(value)) return { ok: true, value };
        return {
          ok: false,
          reason: `the value is too large for a whole number (at most ${Number.MAX_SAFE_INTEGER})`,
        };
      }
      return { ok: false, reason: 'the value is not a whole number' };
    }
    case 'float': {
      if (FLOAT.test(cell)) return { ok: true, value: Number(cell) };
      if (DECIMAL_COMMA.test(cell)) {
        const [whole = '', fraction = ''] = cell.split(',');
        if (fraction.length !== 3) return { ok: true, value: Number(`${whole}.${fraction}`) };
        return {
          ok: false,
          reason:
            'the value is ambiguous: its "," before three digits may be a decimal comma or a thousands separator; ' +
            'write it with a "." for decimals and no thousands separator',
        };
      }
      return {
        ok: false,
        reason: 'the value is not a number (write 1234.5: a "." for decimals, no thousands separator)',
      };
    }
    case 'boolean': {
      const value = readBoolean(cell);
      if (value !== undefined) return { ok: true, value };
      return { ok: false, reason: 'the value is not a boolean (true/false, yes/no, 1/0)' };
    }
  }
}
