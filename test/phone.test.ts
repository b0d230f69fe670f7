import { describe, expect, it } from 'vitest';
import { isCountryCode, looksLikePhone, normalizePhone } from '../src/mapping/phone.js';

describe('normalizePhone', () => {
  it.each([
    ['+1 (212) 555-0100', undefined, '+12125550100'],
    ['001 212 555 0100', undefined, '+12125550100'],
    ['(212) 555-0100', 'US', '+12125550100'],
    ['212.555.0100', 'US', '+12125550100'],
    ['1-212-555-0100', 'US', '+12125550100'],
    ['tel:+12125550100', undefined, '+12125550100'],
    ['TEL:+1.212.555.0100', undefined, '+12125550100'],
    ['00 44 20 7946 0958', undefined, '+442079460958'],
    ['+44 20 7946 0958', undefined, '+442079460958'],
    ['07911 123456', 'GB', '+447911123456'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['+33 6 12 34 56 78', undefined, '+33612345678'],
    ['030 1234567', 'DE', '+49301234567'],
    ['030/1234567', 'DE', '+49301234567'],
    ['+49 30 1234567', undefined, '+49301234567'],
    ['050-234-5678', 'IL', '+972502345678'],
    ['+972 50 234 5678', undefined, '+972502345678'],
    ['03-123-4567', 'IL', '+97231234567'],
    // What spreadsheets and CRMs write around a number.
    ['+44 (0)20 7946 0958', undefined, '+442079460958'],
    ['+972 (0)50 234 5678', undefined, '+972502345678'],
    ['+33\u00a06\u00a012\u00a034\u00a056\u00a078', undefined, '+33612345678'],
    ['+1\u2011212\u2011555\u20110100', undefined, '+12125550100'],
    ['＋１ ２１２ ５５５ ０１００', undefined, '+12125550100'],
    ["'+33612345678", undefined, '+33612345678'],
    ['="0612345678"', 'FR', '+33612345678'],
  ])('%s (default country %s) → %s', (cell, defaultCountry, expected) => {
    expect(normalizePhone(cell, { defaultCountry })).toEqual({ ok: true, value: expected });
  });

  it('takes the default country in any case', () => {
    expect(normalizePhone('(212) 555-0100', { defaultCountry: 'us' })).toEqual({
      ok: true,
      value: '+12125550100',
    });
  });

  it('lets a number with a country code override the default country', () => {
    expect(normalizePhone('+1 212 555 0100', { defaultCountry: 'GB' })).toEqual({
      ok: true,
      value: '+12125550100',
    });
  });

  it('names numbers that a spreadsheet turned into scientific notation', () => {
    expect(normalizePhone('4.47700900123E+11', { defaultCountry: 'GB' })).toEqual({
      ok: false,
      reason:
        'phone number was turned into a number in scientific notation by a spreadsheet program, ' +
        'which dropped its "+" and may have dropped digits; format the phone column as Text before the numbers ' +
        'go in (in Excel: Data → From Text/CSV, column type Text), then export again',
    });
    expect(normalizePhone('4,47700900123E+11')).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        'phone number was turned into a number in scientific notation',
      ) as string,
    });
  });

  it('names numbers that a spreadsheet turned into decimals', () => {
    expect(normalizePhone('12125550100.0', { defaultCountry: 'US' })).toEqual({
      ok: false,
      reason:
        'phone number was turned into a decimal number by a spreadsheet program (it ends in ".0"), ' +
        'which dropped any "+" or leading 0; format the phone column as Text before the numbers go in (in ' +
        'Excel: Data → From Text/CSV, column type Text), then export again',
    });
  });

  it('asks for a country code or --default-country when the number has none', () => {
    expect(normalizePhone('(212) 555-0100')).toEqual({
      ok: false,
      reason:
        'phone number has no country code; write it with "+" and the country code (+1 212…) or ' +
        'pass --default-country',
    });
  });

  it.each([
    ['+1 555', undefined, 'phone number is too short'],
    ['12', 'US', 'phone number is too short'],
    ['+1 212 555 01000', undefined, 'phone number is too long'],
    ['+1 123 555 0100', undefined, 'phone number is not valid for country code +1; check its digits'],
    ['050-123-4567', 'IL', 'phone number is not valid in Israel (+972); check its digits'],
    ['+999 1234567', undefined, 'phone number does not start with a known country calling code'],
    ['+1 800 FLOWERS', undefined, 'phone number contains letters; write the number with digits only'],
    ['212 555 0100 abc', 'US', 'phone number contains letters; write the number with digits only'],
    ['#N/A', 'US', 'phone number has no digits: the cell holds text, not a number'],
    [
      '+1 212 555 0100 / +1 212 555 0101',
      undefined,
      'phone number has more than one "+"; put one number per cell, "+" and country code first',
    ],
    [
      '+1 212 555 0100 ext. 12',
      undefined,
      'phone number has an extension, which cannot be dialled; remove it or move it to another column',
    ],
  ])('refuses %s (default country %s)', (cell, defaultCountry, reason) => {
    expect(normalizePhone(cell, { defaultCountry })).toEqual({ ok: false, reason });
  });

  it('hints at a lost "+" when the digits are a valid international number', () => {
    expect(normalizePhone('442079460958', { defaultCountry: 'US' })).toEqual({
      ok: false,
      reason:
        'phone number is too long; with a "+" in front it is a valid number in United Kingdom: add the "+" if ' +
        'that is the number',
    });
    expect(normalizePhone('33 6 12 34 56 78', { defaultCountry: 'GB' })).toMatchObject({
      reason: expect.stringMatching(
        /; with a "\+" in front it is a valid number in France: add the "\+" if that is the number$/,
      ) as string,
    });
    // A hint, never applied: German numbers vary in length, so the same digits are a valid number there.
    expect(normalizePhone('33 6 12 34 56 78', { defaultCountry: 'DE' })).toEqual({
      ok: true,
      value: '+4933612345678',
    });
    // No hint where the "+" would not help.
    expect(normalizePhone('030 12', { defaultCountry: 'DE' })).toMatchObject({
      reason: 'phone number is not valid in Germany (+49); check its digits',
    });
    expect(normalizePhone('+44 20 7946 095', { defaultCountry: 'US' })).toMatchObject({
      reason: 'phone number is not valid for country code +44; check its digits',
    });
  });

  it('never repeats the cell in its reason, not even a part of it', () => {
    const cells = [
      ['030 90182018\r\n(nur abends)', 'DE'],
      ['+1 212 555 0100 ext. 4471', 'US'],
      ['442079460958', 'US'],
      ['4.47700900123E+11', 'GB'],
    ] as const;
    for (const [cell, defaultCountry] of cells) {
      const result = normalizePhone(cell, { defaultCountry });
      expect(result.ok).toBe(false);
      const reason = result.ok ? '' : result.reason;
      expect(reason).toMatch(/^phone number /);
      // No run of 3 digits of the cell: the extension, the number read as international, its digits.
      for (const digits of cell.match(/\d{3,}/g) ?? []) expect(reason).not.toContain(digits);
    }
  });

  it('refuses an unknown default country', () => {
    expect(normalizePhone('212 555 0100', { defaultCountry: 'ZZ' })).toEqual({
      ok: false,
      reason: 'default country "ZZ" is not an ISO 3166 country code',
    });
  });

  it('gives a reason for an empty cell', () => {
    expect(normalizePhone('')).toEqual({ ok: false, reason: 'phone is empty' });
    expect(normalizePhone('', { keepAsWritten: true })).toEqual({ ok: false, reason: 'phone is empty' });
  });

  it('keeps any non-empty cell as written when asked', () => {
    expect(normalizePhone('(212) 555-0100', { keepAsWritten: true })).toEqual({
      ok: true,
      value: '(212) 555-0100',
    });
    expect(normalizePhone('4.47700900123E+11', { keepAsWritten: true })).toEqual({
      ok: true,
      value: '4.47700900123E+11',
    });
  });
});

describe('looksLikePhone', () => {
  it('takes what parses, with the default country when there is one', () => {
    expect(looksLikePhone('(212) 555-0100', 'US')).toBe(true);
    expect(looksLikePhone('+44 20 7946 0958', 'US')).toBe(true);
    expect(looksLikePhone('100234', 'US')).toBe(false);
  });

  it('without one, takes the shape of a national number, not a date, an id or words', () => {
    expect(looksLikePhone('(212) 555-0100', undefined)).toBe(true);
    expect(looksLikePhone('030/90182011', undefined)).toBe(true);
    expect(looksLikePhone('2024-03-01', undefined)).toBe(false);
    expect(looksLikePhone('12345', undefined)).toBe(false);
    expect(looksLikePhone('4876876000000317001', undefined)).toBe(false);
    expect(looksLikePhone('call me', undefined)).toBe(false);
  });
});

describe('isCountryCode', () => {
  it('accepts ISO 3166 alpha-2 codes in any case', () => {
    expect(isCountryCode('US')).toBe(true);
    expect(isCountryCode('gb')).toBe(true);
    expect(isCountryCode('Il')).toBe(true);
  });

  it('refuses anything else', () => {
    expect(isCountryCode('XX')).toBe(false);
    expect(isCountryCode('USA')).toBe(false);
    expect(isCountryCode('')).toBe(false);
    expect(isCountryCode('+1')).toBe(false);
  });
});
