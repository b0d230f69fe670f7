import { nameWords } from './phone-names.js';
import { readBoolean } from './variable-type.js';

/**
 * Columns in which CRMs say that a person must not be called, compared as their words run together
 * (`DoNotCall`, `Do Not Call`, `do_not_call` → "donotcall"): Salesforce's `DoNotCall`, Dynamics' `Do not allow
 * Phone Calls`, the `Call opt-out` and `HasOptedOutOfCall` of other CRMs and their common translations.
 */
const NAMES = new Set([
  ...['donotcall', 'dontcall', 'dnc', 'nocall', 'nocalls', 'donotphone', 'donotallowphonecalls'],
  ...['calloptout', 'calloptedout', 'callsoptout', 'optoutcall', 'optoutcalls', 'phoneoptout'],
  ...['optedoutofcall', 'optedoutofcalls', 'hasoptedoutofcall', 'hasoptedoutofcalls'],
  ...['nichtanrufen', 'keineanrufe', 'anrufsperre', 'telefonsperre'], // de
  ...['nepasappeler', 'nepastelephoner'], // fr
  ...['nollamar', 'nollamadas'], // es
  ...['nonchiamare'], // it
  ...['naoligar', 'naotelefonar'], // pt
  ...['nietbellen'], // nl
  ...['niedzwonic'], // pl
  ...['ringinte', 'ringikke', 'ikkering'], // sv, da, no
]);

/** Whether a column's name says its rows must not be called when true. */
export function isDoNotCallColumn(name: string): boolean {
  return NAMES.has(nameWords(name).join(''));
}

/** Values that mean "do not call" beyond booleans: a tick, and what CRMs write in a picklist. */
const FLAGGED = new Set(['x', '✓', '✔', 'checked', 'optedout', 'optout', 'donotcall', 'dnc', 'donotallow']);
const NOT_FLAGGED = new Set(['-', 'unchecked', 'allow', 'notoptedout']);

/**
 * A do-not-call cell (trimmed, not empty) read as true (must not be called), false, or undefined when it says
 * neither: true/false, yes/no and 1/0 in the languages `boolean` callData takes, a tick or an "x", Dynamics'
 * "Do Not Allow"/"Allow".
 */
export function readDoNotCall(cell: string): boolean | undefined {
  const value = readBoolean(cell);
  if (value !== undefined) return value;
  const words = nameWords(cell).join('') || cell;
  if (FLAGGED.has(words)) return true;
  if (NOT_FLAGGED.has(words)) return false;
  return undefined;
}
