import { describe, expect, it } from 'vitest';
import { isDoNotCallColumn, readDoNotCall } from '../src/mapping/do-not-call.js';

describe('isDoNotCallColumn', () => {
  it.each([
    'DoNotCall',
    'DONOTCALL',
    'Do Not Call',
    'Do not call',
    'do_not_call',
    'DNC',
    'Call opt-out',
    'Call Opt Out',
    'HasOptedOutOfCall',
    'Opted out of calls',
    'Do not allow Phone Calls',
    'Nicht anrufen',
    'Keine Anrufe',
    'Ne pas appeler',
    'No llamar',
    'Non chiamare',
    'Não ligar',
    'Niet bellen',
    'Nie dzwonić',
    'Ring inte',
  ])('%s says who must not be called', (name) => {
    expect(isDoNotCallColumn(name)).toBe(true);
  });

  it.each(['HasOptedOutOfEmail', 'HasOptedOutOfFax', 'Email Opt Out', 'Call Notes', 'Phone', 'Last Call'])(
    '%s does not',
    (name) => {
      expect(isDoNotCallColumn(name)).toBe(false);
    },
  );
});

describe('readDoNotCall', () => {
  it.each(['true', 'TRUE', '1', 'Yes', 'ja', 'oui', 'x', 'X', '✓', 'Checked', 'Opted out', 'Do Not Allow'])(
    '%s: must not be called',
    (cell) => {
      expect(readDoNotCall(cell)).toBe(true);
    },
  );

  it.each(['false', 'FALSE', '0', 'No', 'nein', 'non', '-', 'Allow', 'Unchecked'])(
    '%s: may be called',
    (cell) => {
      expect(readDoNotCall(cell)).toBe(false);
    },
  );

  it('says neither for anything else', () => {
    expect(readDoNotCall('maybe')).toBeUndefined();
    expect(readDoNotCall('2')).toBeUndefined();
  });
});
