/** The delimiters we detect, in the order that breaks ties: comma first, as the format's name says. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Lines (header included) looked at when detecting the delimiter. */
const SAMPLE_LINES = 21;

const DELIMITER_WORDS: Record<string, string> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\t': '\t',
  '\\t': '\t', // what a shell passes for --delimiter '\t'
  tab: '\t',
  '|': '|',
  pipe: '|',
};

/** The hint shown with an unknown `--delimiter`. */
export const DELIMITER_HINT = 'use one of , ; | or tab';

/** Resolves a `--delimiter` value (`,` `;` `|` a tab, or the words tab, comma, semicolon, pipe), or undefined. */
export function delimiterFromOption(option: string): string | undefined {
  return DELIMITER_WORDS[option] ?? DELIMITER_WORDS[option.trim().toLowerCase()];
}

/**
 * Picks the delimiter of a CSV from its first lines (`text`: the start of the decoded input; `complete` when it
 * holds the whole input, otherwise its last, possibly cut, line is ignored). Each candidate is counted outside
 * quoted cells in the header line and up to 20 lines after it. A candidate must appear in the header; the
 * winner is the one found the same number of times on every sampled line, then on most lines, then the most
 * often in the header; ties go to `,` `;` tab `|` in that order. With no candidate in the header: `,`.
 */
export function detectDelimiter(text: string, complete: boolean): string {
  const lines = countPerLine(text, complete);
  const header = lines[0];
  if (header === undefined) return ',';
  const rows = lines.slice(1);
  let best: { delimiter: string; consistent: boolean; matches: number; inHeader: number } | undefined;
  DELIMITERS.forEach((delimiter, index) => {
    const inHeader = header[index] ?? 0;
    if (inHeader === 0) return;
    const matches = rows.filter((counts) => counts[index] === inHeader).length;
    const candidate = { delimiter, consistent: matches === rows.length, matches, inHeader };
    if (best === undefined || isBetter(candidate, best)) best = candidate;
  });
  return best?.delimiter ?? ',';
}

function isBetter(
  a: { consistent: boolean; matches: number; inHeader: number },
  b: { consistent: boolean; matches: number; inHeader: number },
): boolean {
  if (a.consistent !== b.consistent) return a.consistent;
  if (a.matches !== b.matches) return a.matches > b.matches;
  return a.inHeader > b.inHeader;
}

/**
 * Counts each candidate per non-blank logical line, outside quotes (a line of only delimiters and spaces is
 * blank, as the reader skips it). A quote opens a quoted cell only at the
 * start of a cell (as csv-parse with `relax_quotes` reads it), so the `"` of `5" screen` is plain text.
 */
function countPerLine(text: string, complete: boolean): number[][] {
  const lines: number[][] = [];
  let counts = [0, 0, 0, 0];
  let hasText = false;
  let quoted = false;
  let cellStart = true;
  for (let i = 0; i < text.length && lines.length < SAMPLE_LINES; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      if (hasText) lines.push(counts);
      counts = [0, 0, 0, 0];
      hasText = false;
      cellStart = true;
      continue;
    }
    const index = (DELIMITERS as readonly (string | undefined)[]).indexOf(char);
    if (index >= 0) {
      counts[index] = (counts[index] ?? 0) + 1;
      cellStart = true;
      continue;
    }
    if (char === '"' && cellStart) quoted = true;
    if (char !== ' ') hasText = true;
    cellStart = false;
  }
  // A last line without a line break is whole only at the end of the input (or when it is all we have).
  if (hasText && lines.length < SAMPLE_LINES && (complete || lines.length === 0)) lines.push(counts);
  return lines;
}
