import { isUtf8 } from 'node:buffer';
import type { Transform } from 'node:stream';
import iconv from 'iconv-lite';

/** How the input's bytes become text. */
export interface TextEncoding {
  /** The name reported to the user: 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', or an override as given. */
  readonly name: string;
  /**
   * The iconv-lite codec, or undefined for UTF-8: csv-parse reads UTF-8 bytes itself, splitting only on ASCII
   * bytes and decoding whole cells, which is the fast path and never breaks a character split across chunks.
   */
  readonly codec: string | undefined;
  /** Bytes of byte-order mark to skip at the start of the input. */
  readonly bomLength: number;
}

export type EncodingGuess =
  | { readonly kind: 'text'; readonly encoding: TextEncoding }
  | { readonly kind: 'binary'; readonly hint: string };

/** Bytes sniffed to tell valid UTF-8 from Windows-1252. */
export const SNIFF_BYTES = 64 * 1024;
/** Bytes searched for NUL, the mark of a binary file. */
const BINARY_SNIFF_BYTES = 4096;
/** Bytes looked at to recognise UTF-16 written without a byte-order mark. */
const UTF16_SNIFF_BYTES = 1024;

const BOM_UTF8 = Buffer.from([0xef, 0xbb, 0xbf]);
const BOM_UTF16LE = Buffer.from([0xff, 0xfe]);
const BOM_UTF16BE = Buffer.from([0xfe, 0xff]);

const UTF8: TextEncoding = { name: 'utf-8', codec: undefined, bomLength: 0 };

// Names users will see for the codecs they are most likely to pass, keyed by iconv-lite's canonical form.
const DISPLAY_NAMES: Record<string, string> = {
  utf16le: 'utf-16le',
  ucs2: 'utf-16le',
  utf16be: 'utf-16be',
  utf16: 'utf-16',
  windows1252: 'windows-1252',
  win1252: 'windows-1252',
  cp1252: 'windows-1252',
  latin1: 'latin1',
  iso88591: 'latin1',
  iso885915: 'iso-8859-15',
};

/** The hint shown with an unknown `--encoding`. */
export const ENCODING_HINT =
  'use utf-8, utf-16le, utf-16be, windows-1252 or latin1 (any name iconv-lite knows)';

function canonical(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** True for encodings whose text is full of NUL bytes, so NUL is no sign of a binary file. */
function isWide(codecName: string): boolean {
  return /^(utf16|utf32|ucs2|ucs4)/.test(canonical(codecName));
}

function startsWith(head: Buffer, bom: Buffer): boolean {
  return head.length >= bom.length && head.compare(bom, 0, bom.length, 0, bom.length) === 0;
}

/** Resolves an `--encoding` value, or undefined when iconv-lite does not know the name. */
export function encodingFromOption(option: string): Omit<TextEncoding, 'bomLength'> | undefined {
  const key = canonical(option);
  if (key === 'utf8') return { name: 'utf-8', codec: undefined };
  if (!iconv.encodingExists(option)) return undefined;
  return { name: DISPLAY_NAMES[key] ?? option.trim().toLowerCase(), codec: option };
}

/**
 * Guesses the encoding from the first bytes of the input (`head`, up to SNIFF_BYTES; `atEof` when that is the
 * whole input), or applies an override. In order: a byte-order mark (UTF-8, UTF-16 LE/BE); UTF-16 without a
 * mark when the first KB alternates text bytes and NULs; binary when a NUL is in the first 4 KB; UTF-8 when the
 * first 64 KB are valid UTF-8; otherwise Windows-1252, what Excel on Windows writes for "CSV".
 * An override keeps its byte-order mark stripped and skips the binary test only for UTF-16/32.
 */
export function guessEncoding(
  head: Buffer,
  atEof: boolean,
  override?: Omit<TextEncoding, 'bomLength'>,
): EncodingGuess {
  if (override !== undefined) {
    const bomLength = bomLengthFor(override, head);
    if (!isWide(override.codec ?? 'utf8') && hasNul(head.subarray(bomLength))) return binary(head);
    return { kind: 'text', encoding: { ...override, bomLength } };
  }
  if (startsWith(head, BOM_UTF8)) return text({ ...UTF8, bomLength: 3 });
  if (startsWith(head, BOM_UTF16LE)) return text({ name: 'utf-16le', codec: 'utf16le', bomLength: 2 });
  if (startsWith(head, BOM_UTF16BE)) return text({ name: 'utf-16be', codec: 'utf16be', bomLength: 2 });
  const utf16 = sniffUtf16WithoutBom(head);
  if (utf16 !== undefined) return text({ name: utf16, codec: utf16.replace('-', ''), bomLength: 0 });
  if (hasNul(head)) return binary(head);
  if (isUtf8(atEof ? head : withoutIncompleteTail(head))) return text(UTF8);
  return text({ name: 'windows-1252', codec: 'windows-1252', bomLength: 0 });
}

function text(encoding: TextEncoding): EncodingGuess {
  return { kind: 'text', encoding };
}

function binary(head: Buffer): EncodingGuess {
  // ZIP (.xlsx, .ods) and OLE2 (.xls) signatures: the usual way a workbook ends up where a CSV was expected.
  const workbook =
    startsWith(head, Buffer.from('PK\x03\x04', 'latin1')) ||
    startsWith(head, Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
  return { kind: 'binary', hint: workbook ? '; if it is a spreadsheet, save it as "CSV UTF-8" first' : '' };
}

function bomLengthFor(encoding: Omit<TextEncoding, 'bomLength'>, head: Buffer): number {
  if (encoding.name === 'utf-8') return startsWith(head, BOM_UTF8) ? 3 : 0;
  if (encoding.name === 'utf-16le') return startsWith(head, BOM_UTF16LE) ? 2 : 0;
  if (encoding.name === 'utf-16be') return startsWith(head, BOM_UTF16BE) ? 2 : 0;
  // Other codecs: iconv-lite strips a mark itself when the codec has one.
  return 0;
}

function hasNul(head: Buffer): boolean {
  return head.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/**
 * UTF-16 without a byte-order mark: in a CSV (mostly ASCII digits, letters and delimiters) one byte of each
 * pair is NUL. Loose thresholds let a few non-Latin characters through; the decoded text must hold no control
 * characters but tab and line breaks, so that binary data with a similar rhythm is not taken for text.
 */
function sniffUtf16WithoutBom(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const length = Math.min(head.length, UTF16_SNIFF_BYTES) & ~1;
  if (length < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < length; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = length / 2;
  const guess =
    oddNul >= pairs * 0.6 && evenNul <= pairs * 0.05
      ? 'utf-16le'
      : evenNul >= pairs * 0.6 && oddNul <= pairs * 0.05
        ? 'utf-16be'
        : undefined;
  if (guess === undefined) return undefined;
  const sample = iconv.decode(head.subarray(0, length), guess.replace('-', ''));
  return hasControlCharacters(sample) ? undefined : guess;
}

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
  }
  return false;
}

/** Drops a multi-byte UTF-8 sequence cut off at the end of the sniffed bytes, so it is not taken for invalid. */
function withoutIncompleteTail(head: Buffer): Buffer {
  let start = head.length - 1;
  // Step back over at most three continuation bytes (10xxxxxx) to the sequence's lead byte.
  while (start >= 0 && head.length - start <= 3 && ((head[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = head[start];
  if (lead === undefined) return head;
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return head.length - start < needed ? head.subarray(0, start) : head;
}

/** Decodes the sniffed head to text (for delimiter detection); a character cut at the end may come out as U+FFFD. */
export function decodeHead(head: Buffer, encoding: TextEncoding): string {
  const body = head.subarray(encoding.bomLength);
  return encoding.codec === undefined ? body.toString('utf8') : iconv.decode(body, encoding.codec);
}

/** A streaming decoder to text, or undefined for UTF-8 (csv-parse reads its bytes directly). */
export function createDecoder(encoding: TextEncoding): Transform | undefined {
  // iconv-lite's decoder keeps a partial character across chunks, so a split multi-byte character is not broken.
  return encoding.codec === undefined ? undefined : (iconv.decodeStream(encoding.codec) as Transform);
}
