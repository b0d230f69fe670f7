// The `max` metadata, not the default `min`: `min` only checks a number's length, so it would pass numbers in
// ranges no carrier has (e.g. +972 50 1xx xxxx), which NLPearl would then fail to dial. `max` checks each
// country's real number patterns; its extra size is paid once at load, not per row.
import {
  isSupportedCountry,
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; value: string } | { ok: false; reason: string };

export interface PhoneOptions {
  /** ISO 3166 alpha-2 code (any case) of the country of numbers written without a country code. */
  defaultCountry?: string;
  /** Send the cell as written, without parsing it (for numbers this library would wrongly refuse). */
  keepAsWritten?: boolean;
}

/** Whether `code` is an ISO 3166 alpha-2 country code with a numbering plan, in any case (`us`, `GB`). */
export function isCountryCode(code: string): boolean {
  return isSupportedCountry(code) || isSupportedCountry(code.toUpperCase());
}

// A spreadsheet that read the column as numbers: "4.47700900123E+11" lost digits, "12125550100.0" its "+" and
// leading zeros. Neither can be repaired without guessing.
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?e[+-]?\d+$/i;
const DECIMAL = /^\+?\d+[.,]0+$/;
const TEL_PREFIX = /^tel:/i;
const LETTER = /\p{L}/u;
const NON_ASCII = /[\u0080-\uffff]/;

/** Whether a cell is a number that a spreadsheet program wrote in scientific notation (`4.87688E+18`). */
export function isScientific(text: string): boolean {
  return SCIENTIFIC.test(text);
}

/**
 * How to keep a spreadsheet from turning a column's values into numbers: said for both kinds of damage to a
 * phone, and for an id column (`what` names the column: "phone", "externalId").
 */
export function asText(what: string): string {
  return `format the ${what} column as Text before the numbers go in (in Excel: Data → From Text/CSV, column type Text), then export again`;
}

const AS_TEXT = asText('phone');

// One options object per country, made once: the per-row call allocates nothing of ours on the happy path.
const parseOptions = new Map<string, { defaultCountry: CountryCode }>();

function optionsFor(country: string): { defaultCountry: CountryCode } | undefined {
  let options = parseOptions.get(country);
  if (options === undefined) {
    const code = isSupportedCountry(country) ? country : country.toUpperCase();
    if (!isSupportedCountry(code)) return undefined;
    // Bounded: only spellings of the ~250 supported codes ever get in.
    options = { defaultCountry: code };
    parseOptions.set(country, options);
  }
  return options;
}

/** A cell (already trimmed) → the number in E.164 (`+12125550100`), or why it can't be dialled. */
export function normalizePhone(cell: string, options?: PhoneOptions): PhoneResult {
  if (cell === '') return { ok: false, reason: 'phone is empty' };
  if (options?.keepAsWritten === true) return { ok: true, value: cell };

  let text = TEL_PREFIX.test(cell) ? cell.slice(4) : cell;
  // Full-width digits and "＋" (typed with an East Asian input method) become ASCII; so do odd spaces.
  if (NON_ASCII.test(text)) text = text.normalize('NFKC');
  if (SCIENTIFIC.test(text)) {
    return fail(
      'was turned into a number in scientific notation by a spreadsheet program, which dropped its "+" and may ' +
        `have dropped digits; ${AS_TEXT}`,
    );
  }
  if (DECIMAL.test(text)) {
    return fail(
      'was turned into a decimal number by a spreadsheet program (it ends in ".0"), which dropped any "+" or ' +
        `leading 0; ${AS_TEXT}`,
    );
  }

  let plusSigns = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 43 /* + */) plusSigns++;
    else if (code >= 48 && code <= 57) digits++;
  }
  if (digits === 0) return fail('has no digits: the cell holds text, not a number');
  if (plusSigns > 1)
    return fail('has more than one "+"; put one number per cell, "+" and country code first');
  const hasLetters = LETTER.test(text);

  // "00" is the international call prefix of most of the world: "00 44 …" means "+44 …".
  if (plusSigns === 0 && text.startsWith('00')) {
    text = `+${text.slice(2)}`;
    plusSigns = 1;
  }

  let parseWith: { defaultCountry: CountryCode } | undefined;
  if (options?.defaultCountry !== undefined && options.defaultCountry !== '') {
    parseWith = optionsFor(options.defaultCountry);
    if (parseWith === undefined) {
      return {
        ok: false,
        reason: `default country "${options.defaultCountry}" is not an ISO 3166 country code`,
      };
    }
  } else if (plusSigns === 0) {
    return fail(
      'has no country code; write it with "+" and the country code (+1 212…) or pass --default-country',
    );
  }

  let phone: PhoneNumber;
  try {
    phone = parsePhoneNumberWithError(text, parseWith);
  } catch (error) {
    return fail(hasLetters ? LETTERS : parseErrorReason(error) + plusHint(text, plusSigns, parseWith));
  }
  if (phone.ext !== undefined) {
    return fail('has an extension, which cannot be dialled; remove it or move it to another column');
  }
  if (hasLetters) return fail(LETTERS);
  if (!phone.isValid()) {
    return fail(invalidReason(text, parseWith, phone) + plusHint(text, plusSigns, parseWith));
  }
  return { ok: true, value: phone.number };
}

const LETTERS = 'contains letters; write the number with digits only';

/**
 * A reason says what is wrong with the number, never the number: reasons reach logs and reports, and the cell
 * is already in the results file beside `_error`.
 */
function fail(problem: string): PhoneResult {
  return { ok: false, reason: `phone number ${problem}` };
}

function parseErrorReason(error: unknown): string {
  if (!(error instanceof ParseError)) throw error;
  switch (error.message) {
    case 'INVALID_COUNTRY':
      return 'does not start with a known country calling code';
    case 'TOO_SHORT':
      return 'is too short';
    case 'TOO_LONG':
      return 'is too long';
    default:
      return 'cannot be read as a phone number; check its digits';
  }
}

let regionNames: Intl.DisplayNames | undefined;

function countryName(code: CountryCode): string {
  regionNames ??= new Intl.DisplayNames('en', { type: 'region' });
  return regionNames.of(code) ?? code;
}

/**
 * A number read with the default country that fails, but is valid read as international: a spreadsheet or a
 * form dropped its "+" (`442079460958` is London, not a US number). Said as a hint, never applied: the same
 * digits could be a national number with a typo.
 */
function plusHint(
  text: string,
  plusSigns: number,
  parseWith: { defaultCountry: CountryCode } | undefined,
): string {
  if (plusSigns > 0 || parseWith === undefined) return '';
  let phone: PhoneNumber;
  try {
    phone = parsePhoneNumberWithError(`+${text}`);
  } catch {
    return '';
  }
  if (!phone.isValid()) return '';
  const where = phone.country === undefined ? '' : ` in ${countryName(phone.country)}`;
  return `; with a "+" in front it is a valid number${where}: add the "+" if that is the number`;
}

function invalidReason(
  text: string,
  parseWith: { defaultCountry: CountryCode } | undefined,
  phone: PhoneNumber,
): string {
  // Parsing again costs only on this path: invalid numbers are few.
  switch (validatePhoneNumberLength(text, parseWith)) {
    case 'TOO_SHORT':
      return 'is too short';
    case 'TOO_LONG':
      return 'is too long';
    case 'INVALID_LENGTH':
      return `has the wrong number of digits for country code +${phone.countryCallingCode}`;
  }
  if (phone.country === undefined) {
    return `is not valid for country code +${phone.countryCallingCode}; check its digits`;
  }
  return `is not valid in ${countryName(phone.country)} (+${phone.countryCallingCode}); check its digits`;
}

const PHONE_SHAPE = /^\+?[\d\s()./-]+$/;
const DATE = /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$/;

/**
 * Whether a cell is a phone number: one that parses, with the default country when there is one. Without one,
 * a national number (`(212) 555-0100`) cannot parse, so its shape counts: 7 to 15 digits and the punctuation
 * numbers are written with, not a date.
 */
export function looksLikePhone(cell: string, defaultCountry: string | undefined): boolean {
  if (cell === '' || DATE.test(cell)) return false;
  if (normalizePhone(cell, { defaultCountry }).ok) return true;
  if (defaultCountry !== undefined) return false;
  const digits = cell.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15 && PHONE_SHAPE.test(cell);
}
