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
      phones: [{ index: 0, name: 'phoneNumber', rank: 1, typeIndex: undefined }],
      phoneNote: undefined,
      externalId: 1,
      timeZone: 2,
      callData: [
        { key: 'firstName', index: 3, column: 'firstName', type: 'string' },
        { key: 'email', index: 4, column: 'email', type: 'string' },
      ],
      doNotCall: { columns: [], honoured: true },
      warnings: [],
    });
  });

  it('detects spreadsheet spellings, ignoring case, spaces, _ and -', () => {
    const header = ['First Name', 'Phone Number', 'External ID', 'Time Zone', 'e-mail'];
    expect(resolveMapping(header)).toMatchObject({ phones: [{ index: 1 }], externalId: 2, timeZone: 3 });
    expect(resolveMapping(['MOBILE_PHONE', 'crm-id', 'TZ'])).toMatchObject({
      phones: [{ index: 0 }],
      externalId: 1,
      timeZone: 2,
    });
    expect(resolveMapping(['Tel', 'Lead Id'])).toMatchObject({
      phones: [{ index: 0 }],
      externalId: 1,
      timeZone: undefined,
    });
  });

  it('detects the names CRMs and non-English spreadsheets give, accents or not', () => {
    const phones = (header: string[]) => resolveMapping(header).phones.map((phone) => phone.name);
    expect(resolveMapping(['Nom', 'Téléphone', 'Fuseau horaire'])).toMatchObject({ timeZone: 2 });
    expect(phones(['Nom', 'Téléphone', 'Fuseau horaire'])).toEqual(['Téléphone']);
    expect(resolveMapping(['Name', 'Telefon', 'Zeitzone'])).toMatchObject({
      phones: [{ index: 1 }],
      timeZone: 2,
    });
    expect(phones(['Nombre', 'Teléfono móvil', 'Móvil'])).toEqual(['Teléfono móvil', 'Móvil']);
    expect(resolveMapping(['Record ID', 'First Name', 'Mobile Phone Number'])).toMatchObject({
      phones: [{ index: 2 }],
      externalId: 0,
    });
    expect(resolveMapping(['Contact ID', 'Phone'])).toMatchObject({ phones: [{ index: 1 }], externalId: 0 });
  });

  it('lets flags override detection and choose the callData columns', () => {
    const header = ['phone', 'Work Phone', 'Ref', 'Name', 'Notes'];
    const mapping = resolveMapping(header, { phone: 'Work Phone', externalId: 'Ref', callData: ['Name'] });
    expect(mapping).toMatchObject({
      phones: [{ index: 1, name: 'Work Phone', rank: 0 }],
      externalId: 2,
      timeZone: undefined,
      callData: [{ key: 'Name', index: 3, column: 'Name', type: 'string' }],
    });
    expect(resolveMapping(header, { callData: false }).callData).toEqual([]);
  });

  it('names a missing column and lists the headers found', () => {
    expect(() => resolveMapping(['name', 'email'])).toThrow(
      'no phone column found: no column is named like a phone (Phone, Mobile, Telefon, Phone 1 - Value…) and none holds mostly phone numbers; name it with --phone <column>; found: "name", "email"',
    );
    expect(() => resolveMapping(['phone', 'name'], { externalId: 'CRM' })).toThrow(
      'externalId column "CRM" is not in the header; found: "phone", "name"',
    );
  });

  it("never maps a results file's own columns", () => {
    const header = ['_row', '_status', '_leadId', '_error', '_attempts', 'phone', 'name'];
    expect(resolveMapping(header)).toMatchObject({
      phones: [{ index: 5 }],
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

describe('resolveMapping: several phone columns, do-not-call columns, a header that looks wrong', () => {
  it('takes --phone as a list in order of preference, or one name that holds a comma', () => {
    const header = ['Phone', 'Mobile (work, direct)', 'Mobile', 'Notes'];
    const names = (phone: string | string[]) => resolveMapping(header, { phone }).phones.map((p) => p.name);
    expect(names('Mobile,Phone')).toEqual(['Mobile', 'Phone']);
    expect(names(' mobile , phone ')).toEqual(['Mobile', 'Phone']);
    expect(names(['Phone', 'Mobile'])).toEqual(['Phone', 'Mobile']);
    expect(names('Mobile (work, direct)')).toEqual(['Mobile (work, direct)']);
    expect(() => resolveMapping(header, { phone: 'Mobile,Cell' })).toThrow(
      'phone column "Cell" is not in the header; found: "Phone", "Mobile (work, direct)", "Mobile", "Notes"',
    );
  });

  it('sends no phone column, no type beside one and no do-not-call column as callData', () => {
    const header = ['Name', 'Phone 1 - Type', 'Phone 1 - Value', 'Home Phone', 'DoNotCall', 'Fax'];
    const mapping = resolveMapping(header);
    expect(mapping.callData.map((c) => c.column)).toEqual(['Name', 'Fax']);
    expect(mapping.doNotCall).toEqual({ columns: [{ index: 4, name: 'DoNotCall' }], honoured: true });
    expect(mapping.warnings).toEqual([]);
    expect(describeMapping(mapping, header)).toEqual([
      'phoneNumber ← "Phone 1 - Value", "Home Phone" (per row, the first that is not empty; mobile numbers first, as "Phone 1 - Type"… says)',
      'externalId ← (none)',
      'timeZoneId ← (none)',
      'doNotCall ← "DoNotCall" (rows marked true are skipped, never sent)',
      'callData ← "Name", "Fax"',
    ]);
    // Named for it, a do-not-call column is callData like any other.
    expect(resolveMapping(header, { callData: ['DoNotCall'] }).callData.map((c) => c.column)).toEqual([
      'DoNotCall',
    ]);
  });

  it('says loudly what --call-opted-out does, or that it does nothing', () => {
    const mapping = resolveMapping(['Phone', 'Do Not Call'], { callOptedOut: true });
    expect(mapping.doNotCall.honoured).toBe(false);
    expect(mapping.warnings).toEqual([
      '--call-opted-out: rows that "Do Not Call" marks as not to be called are sent, and will be called',
    ]);
    expect(describeMapping(mapping, ['Phone', 'Do Not Call'])[3]).toBe(
      'doNotCall ← "Do Not Call" (ignored: --call-opted-out; rows marked true are called)',
    );
    expect(resolveMapping(['Phone'], { callOptedOut: true }).warnings).toEqual([
      '--call-opted-out changes nothing: no column says who must not be called (DoNotCall, Do Not Call, HasOptedOutOfCall…)',
    ]);
  });

  it('finds the phone column by its cells, and says so', () => {
    const header = ['Name', 'Kontakt'];
    const sample = [
      { line: 2, cells: ['Ann', '030 90182011'] },
      { line: 3, cells: ['Bob', '030 90182012'] },
    ];
    const mapping = resolveMapping(header, { defaultCountry: 'DE' }, { headerLine: 1, sample });
    expect(describeMapping(mapping, header)[0]).toBe(
      'phoneNumber ← "Kontakt" (found by its cells: 2 of 2 sampled cells are phone numbers)',
    );
  });

  it('suggests --header-row when the rows are wider than the header', () => {
    const sample = [
      { line: 3, cells: ['Customer', 'Contact', 'Email'] },
      { line: 4, cells: ["Amy's", '(212) 555-0191', 'amy@example.com'] },
      { line: 5, cells: ['Bill', '(212) 555-0193', 'bill@example.com'] },
    ];
    const context = { headerLine: 1, sample };
    expect(() => resolveMapping(['Report: customers', 'March 2025'], {}, context)).toThrow(
      /; the header \(line 1\) has 2 columns but most rows have more: if the header is on line 3, pass --header-row 3$/,
    );
    expect(() => resolveMapping(['Report'], { phone: 'Contact' }, context)).toThrow(
      'phone column "Contact" is not in the header; found: "Report"; the header (line 1) has 1 column but most ' +
        'rows have more: if the header is on line 3, pass --header-row 3',
    );
  });

  it('says when the header holds a phone number (the file has no header), without repeating that row', () => {
    expect(() => resolveMapping(['Ann', '+1 212 555 0100'], { phone: 'Phone' })).toThrow(
      'phone column "Phone" is not in the header; line 1 looks like a row, not a header (its column 2 holds a ' +
        'phone number): add a header line, or pass --header-row N if the header is further down',
    );
  });
});

describe('mapRecord', () => {
  const header = ['phoneNumber', 'externalId', 'timeZoneId', 'firstName', 'notes'];
  const mapping = resolveMapping(header);

  it('builds the body from trimmed cells, leaving empty ones out', () => {
    expect(mapRecord([' +12125550100 ', 'crm-1', '', 'Ada', ''], mapping)).toEqual({
      ok: true,
      body: { phoneNumber: '+12125550100', externalId: 'crm-1', callData: { firstName: 'Ada' } },
      phoneColumn: 0,
    });
  });

  it('normalises phone and time zone', () => {
    expect(
      mapRecord(['(212) 555-0100', '', 'america/new_york', '', ''], mapping, { defaultCountry: 'US' }),
    ).toEqual({
      ok: true,
      body: { phoneNumber: '+12125550100', timeZoneId: 'Eastern Standard Time' },
      phoneColumn: 0,
    });
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
      reason: expect.stringContaining('unknown time zone') as string,
    });
  });

  it('converts typed callData and names the column of a bad value', () => {
    const typed = resolveMapping(['phone', 'Age', 'VIP'], {
      map: { callData: { age: { column: 'Age', type: 'int' }, vip: { column: 'VIP', type: 'boolean' } } },
    });
    expect(mapRecord(['+12125550100', '42', 'Yes'], typed)).toEqual({
      ok: true,
      body: { phoneNumber: '+12125550100', callData: { age: 42, vip: true } },
      phoneColumn: 0,
    });
    expect(mapRecord(['+12125550100', 'forty', 'no'], typed)).toEqual({
      ok: false,
      reason: 'column "Age" (age, int): the value is not a whole number',
      column: 1,
    });
  });
});

describe('mapRecord: several phones, do not call, Excel-damaged ids', () => {
  const header = ['Id', 'Phone', 'Mobile', 'DoNotCall', 'Notes'];
  const mapping = resolveMapping(header);

  it('takes the phone from the first non-empty column in order, and says which', () => {
    expect(mapRecord(['a1', '+12125550100', '+12125550101', 'false', ''], mapping)).toMatchObject({
      ok: true,
      body: { phoneNumber: '+12125550101', externalId: 'a1' },
      phoneColumn: 2,
    });
    expect(mapRecord(['a2', '+12125550100', '', '', ''], mapping)).toMatchObject({
      ok: true,
      phoneColumn: 1,
    });
    expect(mapRecord(['a3', ' ', '', '', ''], mapping)).toEqual({
      ok: false,
      reason: 'no phone number (empty: "Mobile", "Phone")',
      column: 2,
    });
  });

  it('skips a person who must not be called, never sent, whatever else the row holds', () => {
    expect(mapRecord(['a1', 'not a phone', '', 'TRUE', ''], mapping)).toEqual({
      ok: false,
      skip: 'do-not-call',
      reason: 'do not call (marked in column "DoNotCall")',
      column: 3,
    });
    expect(mapRecord(['a1', '+12125550100', '', 'maybe', ''], mapping)).toEqual({
      ok: false,
      reason:
        'column "DoNotCall": the value is neither true nor false, so whether this person may be called is unclear; write true or false (yes/no, 1/0)',
      column: 3,
    });
    const optedOut = resolveMapping(header, { callOptedOut: true });
    expect(mapRecord(['a1', '+12125550100', '', 'TRUE', ''], optedOut)).toMatchObject({ ok: true });
  });

  it('refuses an externalId that a spreadsheet wrote in scientific notation, as for a phone', () => {
    expect(mapRecord(['4.87688E+18', '+12125550100', '', '', ''], mapping)).toEqual({
      ok: false,
      reason:
        'externalId was turned into a number in scientific notation by a spreadsheet program, which ' +
        'dropped digits, so different rows may now share it; format the externalId column as Text before the ' +
        'numbers go in (in Excel: Data → From Text/CSV, column type Text), then export again',
      column: 0,
    });
    expect(mapRecord(['4,87688E+18', '+12125550100', '', '', ''], mapping)).toMatchObject({
      ok: false,
      column: 0,
    });
    // CRM ids mix digits and letters, an "e" among them: they are ids.
    for (const id of ['0035e00000AbCdE', '1e5', '3e10']) {
      expect(mapRecord([id, '+12125550100', '', '', ''], mapping)).toMatchObject({
        ok: true,
        body: { externalId: id },
      });
    }
  });

  it('reads the number to dial out of a cell that holds several', () => {
    const qb = resolveMapping(['Customer', 'Phone numbers']);
    expect(
      mapRecord(['Amy', 'Phone:(212) 555-0191 Mobile:(212) 555-0192'], qb, { defaultCountry: 'US' }),
    ).toMatchObject({
      ok: true,
      body: { phoneNumber: '+12125550192' },
    });
    expect(mapRecord(['Cool Cars', 'Fax:(212) 555-0194'], qb)).toEqual({
      ok: false,
      reason: 'no number to call: the labels in the cell name only numbers not to dial (a fax or a pager)',
      column: 1,
    });
  });

  it('never repeats a cell in its reason, only the column', () => {
    const typed = resolveMapping(['phone', 'Age', 'Zone', 'DoNotCall'], {
      map: { timeZoneId: 'Zone', callData: { age: { column: 'Age', type: 'int' } } },
    });
    const rows = [
      ['+12125550100', 'forty-2', '', ''],
      ['+12125550100', '', 'Mars/Olympus', ''],
      ['+12125550100', '', '', 'perhaps'],
      ['+12125550100', '', '', 'yes'],
      ['555-0147', '', '', ''],
    ];
    const reasons = rows.map((cells) => {
      const mapped = mapRecord(cells, typed);
      expect(mapped.ok).toBe(false);
      return mapped.ok ? '' : mapped.reason;
    });
    expect(reasons).toEqual([
      'column "Age" (age, int): the value is not a whole number',
      'unknown time zone; use a Windows time-zone id such as "Pacific Standard Time" or an IANA name such as ' +
        '"America/Los_Angeles" (nlpearl-leads timezones lists them)',
      'column "DoNotCall": the value is neither true nor false, so whether this person may be called is unclear; ' +
        'write true or false (yes/no, 1/0)',
      'do not call (marked in column "DoNotCall")',
      'phone number has no country code; write it with "+" and the country code (+1 212…) or pass ' +
        '--default-country',
    ]);
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
  const AMBIGUOUS =
    'the value is ambiguous: its "," before three digits may be a decimal comma or a thousands separator; ' +
    'write it with a "." for decimals and no thousands separator';

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
    ['41.5', 'int', 'the value is not a whole number'],
    ['1,234', 'int', 'the value is not a whole number'],
    ['99999999999999999999', 'int', 'the value is too large for a whole number (at most 9007199254740991)'],
    ['high', 'float', 'the value is not a number (write 1234.5: a "." for decimals, no thousands separator)'],
    [
      '1.234,5',
      'float',
      'the value is not a number (write 1234.5: a "." for decimals, no thousands separator)',
    ],
    ['1,500', 'float', AMBIGUOUS],
    ['-2,000', 'float', AMBIGUOUS],
    ['maybe', 'boolean', 'the value is not a boolean (true/false, yes/no, 1/0)'],
    ['2', 'boolean', 'the value is not a boolean (true/false, yes/no, 1/0)'],
  ] as const)('refuses %s as %s: %s', (cell, type, reason) => {
    expect(convertValue(cell, type)).toEqual({ ok: false, reason });
  });
});
