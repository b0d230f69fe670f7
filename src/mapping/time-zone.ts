import { WINDOWS_ZONES } from './windows-zones.generated.js';

export type TimeZoneResult = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Where NLPearl's documentation spells a Windows id differently from CLDR. Windows renamed "Turkey Standard
 * Time" to "Türkiye Standard Time", NLPearl's docs use the new name, CLDR 48 still has the old one: we send
 * what NLPearl documents.
 */
const NLPEARL_SPELLING: ReadonlyMap<string, string> = new Map([
  ['Turkey Standard Time', 'Türkiye Standard Time'],
]);

/**
 * Abbreviations people write in a time-zone column. None is a Windows id, and the two that are IANA names
 * ("EST", "MST") mean a fixed offset without daylight saving (Panama, Arizona), which is rarely what the
 * writer meant: we refuse them all and suggest the zones they usually stand for.
 */
const ABBREVIATIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['est', ['Eastern Standard Time']],
  ['edt', ['Eastern Standard Time']],
  ['et', ['Eastern Standard Time']],
  ['cst', ['Central Standard Time', 'China Standard Time']],
  ['cdt', ['Central Standard Time']],
  ['ct', ['Central Standard Time']],
  ['mst', ['Mountain Standard Time', 'US Mountain Standard Time']],
  ['mdt', ['Mountain Standard Time']],
  ['mt', ['Mountain Standard Time']],
  ['pst', ['Pacific Standard Time']],
  ['pdt', ['Pacific Standard Time']],
  ['pt', ['Pacific Standard Time']],
  ['akst', ['Alaskan Standard Time']],
  ['akdt', ['Alaskan Standard Time']],
]);

interface Tables {
  /** Lookup key (see `lookupKey`) of every accepted spelling → the Windows id to send. */
  readonly byKey: ReadonlyMap<string, string>;
  readonly windowsIds: readonly string[];
  readonly ianaToWindows: ReadonlyMap<string, string>;
  /** What an unknown value is compared with, each with the keys it may be close to. */
  readonly candidates: readonly { readonly name: string; readonly keys: readonly string[] }[];
}

let tables: Tables | undefined;

// Built on first use: commands that never read a time zone don't pay for it.
function getTables(): Tables {
  if (tables !== undefined) return tables;
  const byKey = new Map<string, string>();
  const ianaToWindows = new Map<string, string>();
  const candidates: { name: string; keys: string[] }[] = [];
  const windowsIds: string[] = [];
  // Windows ids first, so that a name that is both (only "UTC") keeps its Windows meaning.
  for (const [cldrId] of WINDOWS_ZONES) {
    const id = NLPEARL_SPELLING.get(cldrId) ?? cldrId;
    byKey.set(lookupKey(cldrId), id);
    byKey.set(lookupKey(id), id);
    const key = lookupKey(id);
    windowsIds.push(id);
    candidates.push({ name: id, keys: [key, withoutSuffix(key)] });
  }
  for (const [cldrId, iana, aliases] of WINDOWS_ZONES) {
    const id = NLPEARL_SPELLING.get(cldrId) ?? cldrId;
    for (const name of iana) {
      ianaToWindows.set(name, id);
      const key = lookupKey(name);
      if (!byKey.has(key)) byKey.set(key, id);
      candidates.push({ name, keys: [key, cityOf(key)] });
    }
    for (const name of aliases) if (!byKey.has(lookupKey(name))) byKey.set(lookupKey(name), id);
  }
  // Sorted for people: "Afghanistan", "Alaskan" … "AUS Central", not upper case first.
  windowsIds.sort(new Intl.Collator('en').compare);
  tables = { byKey, windowsIds, ianaToWindows, candidates };
  return tables;
}

/** Case, accents, repeated spaces and spaces around "/" don't matter; in IANA names a space stands for "_". */
function lookupKey(name: string): string {
  const key = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
  return key.includes('/') ? key.replace(/ ?\/ ?/g, '/').replace(/ /g, '_') : key;
}

function withoutSuffix(key: string): string {
  return key.replace(/ (standard )?time$/, '');
}

function cityOf(ianaKey: string): string {
  return ianaKey.slice(ianaKey.lastIndexOf('/') + 1).replace(/_/g, ' ');
}

/** Sorted Windows time-zone ids that NLPearl takes, spelled as we send them. */
export function windowsTimeZoneIds(): readonly string[] {
  return getTables().windowsIds;
}

/** Every Windows id (sorted as `windowsTimeZoneIds`) with today's IANA names CLDR maps to it, main zone first. */
export function windowsTimeZones(): readonly { readonly id: string; readonly iana: readonly string[] }[] {
  const byId = new Map<string, string[]>();
  for (const [iana, id] of getTables().ianaToWindows) {
    const names = byId.get(id);
    if (names === undefined) byId.set(id, [iana]);
    else names.push(iana);
  }
  return windowsTimeZoneIds().map((id) => ({ id, iana: byId.get(id) ?? [] }));
}

/**
 * Today's IANA names of every zone CLDR maps to a Windows id → that id. Aliases and backward links
 * (US/Eastern, Asia/Calcutta) are accepted by `normalizeTimeZone` but not listed here.
 */
export function ianaToWindows(): ReadonlyMap<string, string> {
  return getTables().ianaToWindows;
}

// Distinct time zones in a file are few; the bound keeps a file of junk from growing memory.
const CACHE_SIZE = 1_000;
const cache = new Map<string, TimeZoneResult>();

/**
 * A Windows id (any case) or an IANA name or alias → the Windows id NLPearl takes. A reason suggests names from
 * our own tables but never repeats the cell, which is the lead's. Results are shared between calls with the same
 * cell: don't mutate them.
 */
export function normalizeTimeZone(cell: string): TimeZoneResult {
  let result = cache.get(cell);
  if (result !== undefined) return result;
  result = resolve(cell);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(cell, result);
  return result;
}

function resolve(cell: string): TimeZoneResult {
  const key = lookupKey(cell);
  if (key === '') return { ok: false, reason: 'time zone is empty' };
  const { byKey } = getTables();

  const meant = ABBREVIATIONS.get(key);
  if (meant !== undefined) {
    return {
      ok: false,
      reason: `time zone is an abbreviation, which is ambiguous; did you mean ${orList(meant)}?`,
    };
  }

  const id = byKey.get(key);
  if (id !== undefined) return { ok: true, value: id };
  for (const variant of exportSpellings(cell)) {
    const found = byKey.get(lookupKey(variant)) ?? byKey.get(lookupKey(canonicalIana(variant) ?? ''));
    if (found !== undefined) return { ok: true, value: found };
  }

  // ICU may know an IANA name that this CLDR release does not: ask it for its canonical form.
  const canonical = canonicalIana(cell.trim());
  if (canonical !== undefined) {
    const mapped = byKey.get(lookupKey(canonical));
    if (mapped !== undefined) return { ok: true, value: mapped };
    return {
      ok: false,
      reason:
        'time zone is an IANA name that has no Windows time-zone id; ' +
        'use the Windows id of a zone with the same offset (nlpearl-leads timezones lists them)',
    };
  }

  const suggestions = suggest(key);
  return {
    ok: false,
    reason:
      suggestions.length > 0
        ? `unknown time zone; did you mean ${orList(suggestions)}?`
        : 'unknown time zone; use a Windows time-zone id such as "Pacific Standard Time" or an IANA ' +
          'name such as "America/Los_Angeles" (nlpearl-leads timezones lists them)',
  };
}

// "(GMT-05:00) Eastern Standard Time (America/New_York)", as Salesforce shows a user's time zone.
const OFFSET_PREFIX = /^\((?:utc|gmt)\s*(?:[+\-\u2212]\s*\d{1,2}(?::?\d{2})?)?\)\s*(.+)$/i;
const TRAILING_NAME = /^(.*?)\s*\(([^()]+)\)$/;

/**
 * Other spellings of a cell, as CRMs export time zones, in the order they are tried: without a leading
 * "(GMT±hh:mm)" offset, then the IANA name in its trailing parentheses; HubSpot's internal values write "/" as
 * "_slash_" ("america_slash_new_york"). The IANA name in parentheses wins over the text before it, which is a
 * display name ("Central European Standard Time (Europe/Paris)" is Paris, not Warsaw's Windows zone).
 */
function exportSpellings(cell: string): string[] {
  const variants: string[] = [];
  let text = cell.trim();
  if (/_slash_/i.test(text)) variants.push((text = text.replace(/_slash_/gi, '/')));
  const offset = OFFSET_PREFIX.exec(text);
  if (offset?.[1] !== undefined) variants.push((text = offset[1]));
  const trailing = TRAILING_NAME.exec(text);
  if (trailing?.[2] !== undefined && trailing[2].includes('/')) variants.push(trailing[2]);
  return variants;
}

function canonicalIana(name: string): string | undefined {
  if (name === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function orList(names: readonly string[]): string {
  const each = names.map((name) => `"${name}"`);
  return each.length <= 1 ? each.join('') : `${each.slice(0, -1).join(', ')} or ${each.at(-1)}`;
}

const MAX_SUGGESTIONS = 3;
// No time-zone name is longer; anything longer is some other column's text.
const MAX_SUGGESTED_LENGTH = 64;

/** Up to three valid names closest to an unknown one: typos in a Windows id, or a city without its region. */
function suggest(key: string): string[] {
  if (key.length > MAX_SUGGESTED_LENGTH) return [];
  const inputs = [key, withoutSuffix(key)];
  // Short values are close to too much by chance: demand more there.
  const limit = key.length <= 4 ? 1 : Math.max(2, Math.floor(key.length / 4));
  const found: { name: string; distance: number }[] = [];
  for (const candidate of getTables().candidates) {
    let best = limit + 1;
    for (const input of inputs) {
      for (const candidateKey of candidate.keys)
        best = Math.min(best, distance(input, candidateKey, best - 1));
    }
    if (best <= limit) found.push({ name: candidate.name, distance: best });
  }
  found.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  // Only the nearest few: "Paris" is "Europe/Paris", not also "Antarctica/Davis".
  const nearest = found.filter((f) => f.distance <= (found[0]?.distance ?? 0) + 1).map((f) => f.name);
  return [...new Set(nearest)].slice(0, MAX_SUGGESTIONS);
}

// Reused by `distance`: suggestions are computed for every distinct unknown value, against ~600 names.
let previousRow = new Int32Array(64);
let currentRow = new Int32Array(64);

/** Levenshtein distance, or `max + 1` as soon as it must exceed `max` (most candidates are far). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (previousRow.length <= b.length) {
    previousRow = new Int32Array(b.length + 1);
    currentRow = new Int32Array(b.length + 1);
  }
  let previous = previousRow;
  let current = currentRow;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const code = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = code === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? max + 1;
}
