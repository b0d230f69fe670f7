import type { VariableType } from '../config.js';

export type ConvertResult = { ok: true; value: string | number | boolean } | { ok: false; reason: string };

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/** Converts a trimmed, non-empty cell to the type of an NLPearl variable (string, int, float, boolean). */
export function convertValue(cell: string, type: VariableType): ConvertResult {
  switch (type) {
    case 'string':
      return { ok: true, value: cell };
    case 'int': {
      const value = Number(cell);
      if (INT.test(cell) && Number.isSafeInteger(value)) return { ok: true, value };
      return { ok: false, reason: `"${cell}" is not a whole number` };
    }
    case 'float': {
      if (FLOAT.test(cell)) return { ok: true, value: Number(cell) };
      return { ok: false, reason: `"${cell}" is not a number (use . for decimals)` };
    }
    case 'boolean': {
      const lower = cell.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, reason: `"${cell}" is not a boolean (true/false, yes/no, 1/0)` };
    }
  }
}
