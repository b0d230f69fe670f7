import { describe, expect, it } from 'vitest';
import { parseMapFile } from '../src/mapping/map-file.js';

describe('parseMapFile', () => {
  it('takes a full mapping, a bare column name meaning a string variable', () => {
    expect(
      parseMapFile({
        phoneNumber: 'Mobile',
        externalId: 'CRM ID',
        timeZoneId: 'Time zone',
        callData: { firstName: 'First Name', age: { column: 'Age', type: 'int' }, vip: { column: 'VIP' } },
        defaultCountry: 'us',
      }),
    ).toEqual({
      ok: true,
      value: {
        phoneNumber: 'Mobile',
        externalId: 'CRM ID',
        timeZoneId: 'Time zone',
        callData: {
          firstName: { column: 'First Name', type: 'string' },
          age: { column: 'Age', type: 'int' },
          vip: { column: 'VIP', type: 'string' },
        },
        defaultCountry: 'us',
      },
    });
    expect(parseMapFile({})).toEqual({ ok: true, value: {} });
  });

  it.each([
    [
      { callData: { age: { column: 'Age', type: 'integer' } } },
      ['callData.age.type: expected one of string, int, float, boolean; got "integer"'],
    ],
    [
      { callData: { age: { colum: 'Age' } } },
      [
        'callData.age.column: expected the name of a column, got nothing',
        'callData.age: unknown key "colum"; expected "column", "type"',
      ],
    ],
    [
      { phonenumber: 'Mobile' },
      ['unknown key "phonenumber"; did you mean "phoneNumber"? (keys are case-sensitive)'],
    ],
    [
      { phone: 'Mobile' },
      [
        'unknown key "phone"; expected "phoneNumber", "externalId", "timeZoneId", "callData", "defaultCountry"',
      ],
    ],
    [
      { defaultCountry: 'USA' },
      ['defaultCountry: expected an ISO 3166 country code such as US, GB, FR, DE or IL; got "USA"'],
    ],
    [{ defaultCountry: 1 }, ['defaultCountry: expected a country code such as "US", got 1']],
    [{ callData: { age: 5 } }, ['callData.age: expected a column name or { "column": …, "type": … }, got 5']],
    [{ callData: ['Age'] }, ['callData: expected an object of callData key → column, got a list']],
    [
      { callData: { '': 'Age', ' age': 'Age' } },
      [
        'callData[""]: a callData key must be a variable id, not empty and without spaces around it',
        'callData[" age"]: a callData key must be a variable id, not empty and without spaces around it',
      ],
    ],
    [{ phoneNumber: '' }, ['phoneNumber: expected the name of a column, got ""']],
    [{ phoneNumber: ['Mobile'] }, ['phoneNumber: expected the name of a column, got a list']],
    [[], ['expected a JSON object, got a list']],
    [null, ['expected a JSON object, got null']],
  ])('%j: %j', (json, issues) => {
    expect(parseMapFile(json)).toEqual({ ok: false, issues });
  });
});
