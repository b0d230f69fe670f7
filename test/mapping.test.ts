import { describe, expect, it } from 'vitest';
import { describeMapping, resolveMapping } from '../src/mapping/columns.js';
import { DuplicateFinder } from '../src/mapping/duplicates.js';
import { mapRecord } from '../src/mapping/lead.js';
import { SeenKeys } from '../src/mapping/seen-keys.js';
import { convertValue } from '../src/mapping/variable-type.js';

describe('resolveMapping', () => {
  it('detects the documented names', () => {
    const header = ['phoneNumber', 'externalId', 'timeZoneId', 'firstName', 'email'];
    expect(resolveMapping(header)).toEqual({
      phone: 0,
      externalId: 1,
      timeZone: 2,
      callData: [
        { key: 'firstName', index: 3, column: 'firstName', type: 'string' },
        { key: 'email', index: 4, column: 'email', type: 'string' },
      ],
    });
  });

  it('detects spreadsheet spellings, ignoring case, spaces, _ and -', () => {
    const header = ['First Name', 'Phone Number', 'External ID', 'Time Zone', 'e-mail'];
    expect(resolveMapping(header)).toMatchObject({ phone: 1, externalId: 2, timeZone: 3 });
    expect(resolveMapping(['MOBILE_PHONE', 'crm-id', 'TZ'])).toMatchObject({
      phone: 0,
      externalId: 1,
      timeZone: 2,
    });
    expect(resolveMapping(['Tel', 'Lead Id'])).toMatchObject({
      phone: 0,
      externalId: 1,
      timeZone: undefined,
    });
  });

  it('detects the names CRMs and non-English spreadsheets give, accents or not', () => {
    expect(resolveMapping(['Nom', 'Téléphone', 'Fuseau horaire'])).toMatchObject({ phone: 1, timeZone: 2 });
    expect(resolveMapping(['Name', 'Telefon', 'Zeitzone'])).toMatchObject({ phone: 1, timeZone: 2 });
    expect(resolveMapping(['Nombre', 'Teléfono móvil', 'Móvil'])).toMatchObject({ phone: 2 });
    expect(resolveMapping(['Record ID', 'First Name', 'Mobile Phone Number'])).toMatchObject({
      phone: 2,
      externalId: 0,
    });
    expect(resolveMapping(['Contact ID', 'Phone'])).toMatchObject({ phone: 1, externalId: 0 });
  });

  it('lets flags override detection and choose the callData columns', () => {
    const header = ['phone', 'Work Phone', 'Ref', 'Name', 'Notes'];
    const mapping = resolveMapping(header, { phone: 'Work Phone', externalId: 'Ref', callData: ['Name'] });
    expect(mapping).toEqual({
      phone: 1,
      externalId: 2,
      timeZone: undefined,
      callData: [{ key: 'Name', index: 3, column: 'Name', type: 'string' }],
    });
    expect(resolveMapping(header, { callData: false }).callData).toEqual([]);
  });

  it('names a missing column and lists the headers found', () => {
    expect(() => resolveMapping(['name', 'email'])).toThrow(
      'no phone column found (looked for phoneNumber, phone, mobile, cell, tel…); name it with --phone <column>; found: "name", "email"',
    );
    expect(() => resolveMapping(['phone', 'name'], { externalId: 'CRM' })).toThrow(
      'externalId column "CRM" is not in the header; found: "phone", "name"',
    );
  });

  it("never maps a results file's own columns", () => {
    const header = ['_row', '_status', '_leadId', '_error', '_attempts', 'phone', 'name'];
    expect(resolveMapping(header)).toEqual({
      phone: 5,
      externalId: undefined,
      timeZone: undefined,
      callData: [{ key: 'name', index: 6, column: 'name', type: 'string' }],
    });
  });

  it('reads typed callData from a mapping file', () => {
    const header = ['Mobile', 'Age', 'VIP?'];
    const mapping = resolveMapping(header, {
      map: {
        phoneNumber: 'Mobile',
        callData: { age: { column: 'Age', type: 'int' }, vip: { column: 'VIP?', type: 'boolean' } },
      },
    });
    expect(mapping.callData).toEqual([
      { key: 'age', index: 1, column: 'Age', type: 'int' },
      { key: 'vip', index: 2, column: 'VIP?', type: 'boolean' },
    ]);
    expect(describeMapping(mapping, header)).toEqual([
      'phoneNumber ← "Mobile"',
      'externalId ← (none)',
      'timeZoneId ← (none)',
      'callData ← age: "Age" (int), vip: "VIP?" (boolean)',
    ]);
  });
});

describe('mapRecord', () => {
  const header = ['phoneNumber', 'externalId', 'timeZoneId', 'firstName', 'notes'];
  const mapping = resolveMapping(header);

  it('builds the body from trimmed cells, leaving empty ones out', () => {
    expect(mapRecord([' +12125550100 ', 'crm-1', '', 'Ada', ''], mapping)).toEqual({
      ok: true,
      body: { phoneNumber: '+12125550100', externalId: 'crm-1', callData: { firstName: 'Ada' } },
    });
  });

  it('normalises phone and time zone', () => {
    expect(
      mapRecord(['(212) 555-0100', '', 'america/new_york', '', ''], mapping, { defaultCountry: 'US' }),
    ).toEqual({ ok: true, body: { phoneNumber: '+12125550100', timeZoneId: 'Eastern Standard Time' } });
  });

  it('says why a row cannot be sent', () => {
    expect(mapRecord(['', 'crm-1', '', 'Ada', ''], mapping)).toEqual({
      ok: false,
      reason: 'no phone number',
      column: 0,
    });
    expect(mapRecord(['+12125550100', '', 'Mars/Olympus', '', ''], mapping)).toMatchObject({
      ok: false,
      column: 2,
      reason: expect.stringContaining('unknown time zone "Mars/Olympus"') as string,
    });
  });

  it('converts typed callData and names the column of a bad value', () => {
    const typed = resolveMapping(['phone', 'Age', 'VIP'], {
      map: { callData: { age: { column: 'Age', type: 'int' }, vip: { column: 'VIP', type: 'boolean' } } },
    });
    expect(mapRecord(['+12125550100', '42', 'Yes'], typed)).toEqual({
      ok: true,
      body: { phoneNumber: '+12125550100', callData: { age: 42, vip: true } },
    });
    expect(mapRecord(['+12125550100', 'forty', 'no'], typed)).toEqual({
      ok: false,
      reason: 'column "Age" (age, int): "forty" is not a whole number',
      column: 1,
    });
  });
});

describe('duplicates', () => {
  it('finds repeats by phone and by externalId, naming the first row', () => {
    const finder = new DuplicateFinder();
    expect(finder.check({ phoneNumber: '+1', externalId: 'a' }, 1)).toBeUndefined();
    expect(finder.check({ phoneNumber: '+2', externalId: 'b' }, 2)).toBeUndefined();
    expect(finder.check({ phoneNumber: '+1' }, 3)).toBe('duplicate of row 1 (same phone number)');
    expect(finder.check({ phoneNumber: '+3', externalId: 'b' }, 4)).toBe(
      'duplicate of row 2 (same externalId)',
    );
  });

  it('remembers only rows that go on: a skipped row leaves no trace', () => {
    const finder = new DuplicateFinder();
    expect(finder.check({ phoneNumber: '+1', externalId: 'a' }, 1)).toBeUndefined();
    // Skipped for its externalId: its phone is not claimed…
    expect(finder.check({ phoneNumber: '+2', externalId: 'a' }, 2)).toBe(
      'duplicate of row 1 (same externalId)',
    );
    expect(finder.check({ phoneNumber: '+2', externalId: 'b' }, 3)).toBeUndefined();
    // …nor is the externalId of a row skipped for its phone.
    expect(finder.check({ phoneNumber: '+1', externalId: 'c' }, 4)).toBe(
      'duplicate of row 1 (same phone number)',
    );
    expect(finder.check({ phoneNumber: '+3', externalId: 'c' }, 5)).toBeUndefined();
    expect(finder.check({ phoneNumber: '+4', externalId: 'c' }, 6)).toBe(
      'duplicate of row 5 (same externalId)',
    );
  });

  it('looks up a key without claiming it', () => {
    const seen = new SeenKeys();
    expect(seen.rowOf('+1')).toBeUndefined();
    expect(seen.size).toBe(0);
    expect(seen.firstRowOf('+1', 0)).toBeUndefined();
    expect(seen.rowOf('+1')).toBe(0);
    expect(seen.firstRowOf('+1', 9)).toBe(0);
  });

  it('keeps every key of 300,000 apart', () => {
    const seen = new SeenKeys();
    let clashes = 0;
    for (let row = 1; row <= 300_000; row += 1)
      if (seen.firstRowOf(`+1212${row}`, row) !== undefined) clashes += 1;
    expect(clashes).toBe(0);
    expect(seen.size).toBe(300_000);
    expect(seen.firstRowOf('+1212123456', 999_999)).toBe(123_456);
    expect(seen.rowOf('+1212300000')).toBe(300_000);
    expect(seen.rowOf('+1212300001')).toBeUndefined();
    for (let row = 1; row <= 300_000; row += 997) expect(seen.rowOf(`+1212${row}`)).toBe(row);
  });

  it('grows by half, so the table stays between 53% and 80% full (memory per key)', () => {
    const seen = new SeenKeys();
    const loads: number[] = [];
    for (let row = 1; row <= 200_000; row += 1) {
      seen.firstRowOf(`ext-${row}`, row);
      if (row % 5_000 === 0) loads.push(seen.size / seen.capacity);
    }
    expect(Math.min(...loads)).toBeGreaterThanOrEqual(0.53);
    expect(Math.max(...loads)).toBeLessThanOrEqual(0.8);
  });
});

describe('convertValue', () => {
  it.each([
    ['42', 'int', 42],
    ['-7', 'int', -7],
    ['007', 'int', 7],
    ['9.5', 'float', 9.5],
    ['+2.5e3', 'float', 2500],
    ['.5', 'float', 0.5],
    ['7,25', 'float', 7.25],
    ['-0,5', 'float', -0.5],
    ['1,5', 'float', 1.5],
    ['12', 'float', 12],
    ['TRUE', 'boolean', true],
    ['yes', 'boolean', true],
    ['1', 'boolean', true],
    ['VRAI', 'boolean', true],
    ['Wahr', 'boolean', true],
    ['Oui', 'boolean', true],
    ['sí', 'boolean', true],
    ['FALSE', 'boolean', false],
    ['n', 'boolean', false],
    ['FAUX', 'boolean', false],
    ['falsch', 'boolean', false],
    ['Nein', 'boolean', false],
    ['não', 'boolean', false],
    ['0042', 'string', '0042'],
  ] as const)('%s as %s is %s', (cell, type, value) => {
    expect(convertValue(cell, type)).toEqual({ ok: true, value });
  });

  it.each([
    ['41.5', 'int', '"41.5" is not a whole number'],
    ['1,234', 'int', '"1,234" is not a whole number'],
    [
      '99999999999999999999',
      'int',
      '"99999999999999999999" is too large for a whole number (at most 9007199254740991)',
    ],
    ['high', 'float', '"high" is not a number (write 1234.5: a "." for decimals, no thousands separator)'],
    [
      '1.234,5',
      'float',
      '"1.234,5" is not a number (write 1234.5: a "." for decimals, no thousands separator)',
    ],
    [
      '1,500',
      'float',
      '"1,500" is ambiguous: write 1.5 or 1500 (a "." for decimals, no thousands separator)',
    ],
    [
      '-2,000',
      'float',
      '"-2,000" is ambiguous: write -2 or -2000 (a "." for decimals, no thousands separator)',
    ],
    ['maybe', 'boolean', '"maybe" is not a boolean (true/false, yes/no, 1/0)'],
    ['2', 'boolean', '"2" is not a boolean (true/false, yes/no, 1/0)'],
  ] as const)('refuses %s as %s: %s', (cell, type, reason) => {
    expect(convertValue(cell, type)).toEqual({ ok: false, reason });
  });
});
