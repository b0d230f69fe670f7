import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { encodingFromOption, guessEncoding } from '../src/csv/encoding.js';
import { openCsv } from '../src/csv/open-csv.js';
import type { CsvRecord, OpenCsvOptions } from '../src/csv/open-csv.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));

async function read(source: Parameters<typeof openCsv>[0], options?: OpenCsvOptions) {
  const csv = await openCsv(source, options);
  const records: CsvRecord[] = [];
  for await (const record of csv.records) records.push(record);
  return { csv, records, cells: records.map((r) => r.cells) };
}

/**
 * A stream of `text` in `codec`: the first 70 KB (past the sniffed head) in one chunk, then one byte at a time,
 * so that every multi-byte character after the head is split across chunks.
 */
function splitting(text: string, codec: string): Readable {
  const bytes = iconv.encode(text, codec, { addBOM: codec === 'utf16le' });
  const cut = bytes.length - iconv.encode(text.slice(text.indexOf('Zoë')), codec).length;
  return Readable.from(
    (function* () {
      yield bytes.subarray(0, cut);
      for (let i = cut; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    })(),
  );
}

describe('openCsv: encodings', () => {
  it('windows-1252-accents.csv: detected, each accented name read exactly', async () => {
    const { csv, records } = await read({ path: fixture('windows-1252-accents.csv') });
    expect(csv).toMatchObject({ encoding: 'windows-1252', delimiter: ',' });
    expect(csv.header).toEqual(['firstName', 'lastName', 'phone', 'note']);
    expect(records).toEqual([
      { row: 1, line: 2, cells: ['Renée', 'Lefèvre', '+33612345678', 'café crème'] },
      { row: 2, line: 3, cells: ['Jürgen', 'Weiß', '+4915112345678', 'Straße'] },
      { row: 3, line: 4, cells: ['Íñigo', 'Muñoz', '+34612345678', 'año'] },
      { row: 4, line: 5, cells: ['Chloé', 'Œuvray', '+33698765432', 'prix 5 €'] },
    ]);
    const chars = records.map((r) => r.cells.join('')).join('');
    for (const char of ['é', 'ü', 'ñ', 'ß', 'Œ', '€']) expect(chars).toContain(char);
  });

  it('utf16le.csv: detected by its BOM, cell by cell', async () => {
    const { csv, records } = await read({ path: fixture('utf16le.csv') });
    expect(csv).toMatchObject({ encoding: 'utf-16le', delimiter: ';', header: ['name', 'phone', 'city'] });
    expect(records).toEqual([
      { row: 1, line: 2, cells: ['Zoë Müller', '+33612345678', 'Besançon'] },
      { row: 2, line: 3, cells: ['Ærø Ltd', '+4532123456', 'Ærøskøbing'] },
      { row: 3, line: 4, cells: ['李雷', '+8613800138000', '北京'] },
    ]);
  });

  it('utf16be.csv and utf16le-no-bom.csv', async () => {
    const expected = [
      ['Ann', '+12125550101'],
      ['Zoë', '+33612345678'],
    ];
    const be = await read({ path: fixture('utf16be.csv') });
    expect(be.csv.encoding).toBe('utf-16be');
    expect(be.cells).toEqual(expected);
    const noBom = await read({ path: fixture('utf16le-no-bom.csv') });
    expect(noBom.csv).toMatchObject({ encoding: 'utf-16le', header: ['name', 'phone'] });
    expect(noBom.cells).toEqual(expected);
  });

  it.each([
    ['utf-8', 'utf8'],
    ['utf-16le', 'utf16le'],
    ['windows-1252', 'windows-1252'],
  ])('keeps %s characters whole when they are split across chunks', async (name, codec) => {
    const filler = 'Ann,plain ascii text\r\n'.repeat(3500); // 70 KB: more than the sniffed head
    const text = `name,note\r\n${filler}Zoë,Œuvre à 5 €\r\nJürgen,Weiß\r\n`;
    // The head is all ASCII, so Windows-1252 must be named: detection would say UTF-8.
    const options = codec === 'windows-1252' ? { encoding: codec } : {};
    const { csv, cells } = await read({ stream: splitting(text, codec), name: '<stdin>' }, options);
    expect(csv.encoding).toBe(name);
    expect(cells.length).toBe(3502);
    expect(cells.slice(-2)).toEqual([
      ['Zoë', 'Œuvre à 5 €'],
      ['Jürgen', 'Weiß'],
    ]);
  });

  it('the encoding option overrides detection', async () => {
    const latin1 = await read({ path: fixture('utf8-bom.csv') }, { encoding: 'latin1' });
    expect(latin1.csv.encoding).toBe('latin1');
    expect(latin1.cells[0]![0]).toBe('ZoÃ« MÃ¼ller');
    const utf8 = await read({ path: fixture('utf8-bom.csv') }, { encoding: 'UTF8' });
    expect(utf8.csv).toMatchObject({ encoding: 'utf-8', header: ['name', 'phone', 'city'] });
    const cp = await read({ path: fixture('windows-1252-accents.csv') }, { encoding: 'cp1252' });
    expect(cp.csv.encoding).toBe('windows-1252');
    expect(cp.cells[3]).toEqual(['Chloé', 'Œuvray', '+33698765432', 'prix 5 €']);
  });
});

describe('guessEncoding', () => {
  const guess = (bytes: Buffer, atEof = true) => guessEncoding(bytes, atEof);

  it('reads byte-order marks', () => {
    expect(guess(Buffer.from('\uFEFFa,b\n'))).toEqual({
      kind: 'text',
      encoding: { name: 'utf-8', codec: undefined, bomLength: 3 },
    });
    expect(guess(Buffer.from([0xff, 0xfe, 0x61, 0]))).toMatchObject({
      encoding: { name: 'utf-16le', bomLength: 2 },
    });
    expect(guess(Buffer.from([0xfe, 0xff, 0, 0x61]))).toMatchObject({
      encoding: { name: 'utf-16be', bomLength: 2 },
    });
  });

  it('tells UTF-8 from Windows-1252', () => {
    expect(guess(Buffer.from('name\nZoë\n'))).toMatchObject({ encoding: { name: 'utf-8', bomLength: 0 } });
    expect(guess(Buffer.from('name\nZo\xeb\n', 'latin1'))).toMatchObject({
      encoding: { name: 'windows-1252' },
    });
  });

  it('does not take a character cut at the end of the sample for invalid UTF-8', () => {
    const cut = Buffer.from('a,b\nprix 5 €').subarray(0, -1);
    expect(guess(cut, false)).toMatchObject({ encoding: { name: 'utf-8' } });
    expect(guess(cut, true)).toMatchObject({ encoding: { name: 'windows-1252' } });
  });

  it('calls NUL bytes binary, except in UTF-16', () => {
    expect(guess(Buffer.from('a,b\n\0\x01\x02\x03'))).toEqual({ kind: 'binary', hint: '' });
    expect(guessEncoding(Buffer.from('a,b\n\0\x01'), true, encodingFromOption('windows-1252'))).toMatchObject(
      {
        kind: 'binary',
      },
    );
    expect(
      guessEncoding(iconv.encode('a,b\n', 'utf16le'), true, encodingFromOption('utf-16le')),
    ).toMatchObject({
      kind: 'text',
      encoding: { name: 'utf-16le', codec: 'utf-16le', bomLength: 0 },
    });
  });

  it('resolves encoding names', () => {
    expect(encodingFromOption('utf-8')).toEqual({ name: 'utf-8', codec: undefined });
    expect(encodingFromOption('Windows-1252')).toEqual({ name: 'windows-1252', codec: 'Windows-1252' });
    expect(encodingFromOption('ucs2')).toEqual({ name: 'utf-16le', codec: 'ucs2' });
    expect(encodingFromOption('koi8-r')).toEqual({ name: 'koi8-r', codec: 'koi8-r' });
    expect(encodingFromOption('nope')).toBeUndefined();
  });
});
