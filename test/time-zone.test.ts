import { describe, expect, it } from 'vitest';
import {
  ianaToWindows,
  normalizeTimeZone,
  windowsTimeZoneIds,
  windowsTimeZones,
} from '../src/mapping/time-zone.js';

describe('normalizeTimeZone', () => {
  it.each([
    ['Pacific Standard Time', 'Pacific Standard Time'],
    ['pacific standard time', 'Pacific Standard Time'],
    ['PACIFIC STANDARD TIME', 'Pacific Standard Time'],
    ['Pacific   Standard\tTime', 'Pacific Standard Time'],
    ['w. europe standard time', 'W. Europe Standard Time'],
    ['Central Standard Time (Mexico)', 'Central Standard Time (Mexico)'],
    ['utc', 'UTC'],
  ])('takes the Windows id %s as %s', (cell, expected) => {
    expect(normalizeTimeZone(cell)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['Türkiye Standard Time'],
    ['türkiye standard time'],
    ['Turkiye Standard Time'],
    ['Turkey Standard Time'],
    ['turkey standard time'],
    ['Europe/Istanbul'],
    ['Asia/Istanbul'],
  ])('sends %s as "Türkiye Standard Time", the name NLPearl documents', (cell) => {
    expect(normalizeTimeZone(cell)).toEqual({ ok: true, value: 'Türkiye Standard Time' });
  });

  it.each([
    ['America/New_York', 'Eastern Standard Time'],
    ['america/new_york', 'Eastern Standard Time'],
    ['AMERICA/NEW_YORK', 'Eastern Standard Time'],
    ['America/New York', 'Eastern Standard Time'],
    ['US/Eastern', 'Eastern Standard Time'],
    ['America/Los_Angeles', 'Pacific Standard Time'],
    ['US/Pacific', 'Pacific Standard Time'],
    ['America/Chicago', 'Central Standard Time'],
    ['Europe/Paris', 'Romance Standard Time'],
    ['europe/london', 'GMT Standard Time'],
    ['Europe/Berlin', 'W. Europe Standard Time'],
    ['Asia/Jerusalem', 'Israel Standard Time'],
    ['Asia/Tel_Aviv', 'Israel Standard Time'],
    ['Asia/Kolkata', 'India Standard Time'],
    ['Asia/Calcutta', 'India Standard Time'],
    ['Europe/Kyiv', 'FLE Standard Time'],
    ['Europe/Kiev', 'FLE Standard Time'],
    ['Etc/UTC', 'UTC'],
    ['UTC', 'UTC'],
    ['Etc/GMT-3', 'E. Africa Standard Time'],
  ])('maps the IANA name %s to %s', (cell, expected) => {
    expect(normalizeTimeZone(cell)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['(GMT-05:00) Eastern Standard Time (America/New_York)', 'Eastern Standard Time'],
    ['(GMT+01:00) Central European Standard Time (Europe/Paris)', 'Romance Standard Time'],
    ['(UTC+02:00) Asia/Jerusalem', 'Israel Standard Time'],
    ['(UTC-06:00) Central Standard Time (Mexico)', 'Central Standard Time (Mexico)'],
    ['(GMT) GMT Standard Time (Europe/London)', 'GMT Standard Time'],
    ['Pacific Standard Time (America/Los_Angeles)', 'Pacific Standard Time'],
    ['america_slash_new_york', 'Eastern Standard Time'],
    ['Europe_slash_Berlin', 'W. Europe Standard Time'],
  ])('reads the CRM export %s as %s', (cell, expected) => {
    expect(normalizeTimeZone(cell)).toEqual({ ok: true, value: expected });
  });

  it('suggests the closest names for a typo', () => {
    expect(normalizeTimeZone('Pacific Standrad Time')).toEqual({
      ok: false,
      reason: 'unknown time zone; did you mean "Pacific Standard Time"?',
    });
    expect(normalizeTimeZone('Amercia/New_York')).toEqual({
      ok: false,
      reason: 'unknown time zone; did you mean "America/New_York"?',
    });
  });

  it('suggests the IANA name of a bare city, and the Windows id of a zone written without "Standard"', () => {
    expect(normalizeTimeZone('Paris')).toEqual({
      ok: false,
      reason: 'unknown time zone; did you mean "Europe/Paris"?',
    });
    expect(normalizeTimeZone('Eastern Time')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^unknown time zone; did you mean "Eastern Standard Time"/) as string,
    });
  });

  it('refuses abbreviations, which are ambiguous, and suggests what they usually mean', () => {
    expect(normalizeTimeZone('PST')).toEqual({
      ok: false,
      reason: 'time zone is an abbreviation, which is ambiguous; did you mean "Pacific Standard Time"?',
    });
    // "EST" is an IANA name, but for UTC-5 all year: not what a US file means by it.
    expect(normalizeTimeZone('EST')).toEqual({
      ok: false,
      reason: 'time zone is an abbreviation, which is ambiguous; did you mean "Eastern Standard Time"?',
    });
    expect(normalizeTimeZone('cst')).toEqual({
      ok: false,
      reason:
        'time zone is an abbreviation, which is ambiguous; did you mean "Central Standard Time" or ' +
        '"China Standard Time"?',
    });
  });

  it('says when nothing is close, and where the list is', () => {
    expect(normalizeTimeZone('somewhere nice')).toEqual({
      ok: false,
      reason:
        'unknown time zone; use a Windows time-zone id such as "Pacific Standard Time" or an ' +
        'IANA name such as "America/Los_Angeles" (nlpearl-leads timezones lists them)',
    });
  });

  it('says when an IANA zone has no Windows id', () => {
    expect(normalizeTimeZone('Antarctica/Troll')).toEqual({
      ok: false,
      reason:
        'time zone is an IANA name that has no Windows time-zone id; use the Windows id of a ' +
        'zone with the same offset (nlpearl-leads timezones lists them)',
    });
  });

  it('gives a reason for an empty cell', () => {
    expect(normalizeTimeZone('')).toEqual({ ok: false, reason: 'time zone is empty' });
  });

  it('answers the same for a cell seen before', () => {
    expect(normalizeTimeZone('asia/jerusalem')).toBe(normalizeTimeZone('asia/jerusalem'));
  });

  it('keeps answering right after the cache has been filled and rolled over', () => {
    for (let i = 0; i < 1_050; i++) normalizeTimeZone(`Nowhere/Zone_${i}`);
    expect(normalizeTimeZone('Europe/Paris')).toEqual({ ok: true, value: 'Romance Standard Time' });
  });
});

describe('windowsTimeZoneIds', () => {
  const ids = windowsTimeZoneIds();

  it('lists every Windows id CLDR knows, spelled as NLPearl documents them', () => {
    expect(ids).toContain('Pacific Standard Time');
    expect(ids).toContain('Türkiye Standard Time');
    expect(ids).toContain('UTC');
    expect(ids).not.toContain('Turkey Standard Time');
    expect(ids.length).toBe(139);
  });

  it('is sorted for people, without duplicates', () => {
    expect([...ids].sort(new Intl.Collator('en').compare)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe('Afghanistan Standard Time');
  });

  it('holds only ids that normalizeTimeZone returns unchanged', () => {
    for (const id of ids) expect(normalizeTimeZone(id)).toEqual({ ok: true, value: id });
  });
});

describe('ianaToWindows', () => {
  it("maps today's IANA names to Windows ids", () => {
    const map = ianaToWindows();
    expect(map.get('America/Los_Angeles')).toBe('Pacific Standard Time');
    expect(map.get('Asia/Kolkata')).toBe('India Standard Time');
    expect(map.get('Europe/Istanbul')).toBe('Türkiye Standard Time');
    for (const windowsId of map.values()) expect(windowsTimeZoneIds()).toContain(windowsId);
  });
});

describe('windowsTimeZones', () => {
  it('lists every id once, in order, each with the IANA names that are sent as it, its main zone first', () => {
    const zones = windowsTimeZones();
    expect(zones.map((zone) => zone.id)).toEqual(windowsTimeZoneIds());
    expect(zones.find((zone) => zone.id === 'Eastern Standard Time')?.iana[0]).toBe('America/New_York');
    expect(zones.find((zone) => zone.id === 'Türkiye Standard Time')?.iana).toEqual(['Europe/Istanbul']);
    const listed = zones.flatMap((zone) => zone.iana);
    expect(listed).toHaveLength(ianaToWindows().size);
    for (const zone of zones) {
      expect(zone.iana.length).toBeGreaterThan(0);
      for (const name of zone.iana) expect(normalizeTimeZone(name)).toEqual({ ok: true, value: zone.id });
    }
  });
});
