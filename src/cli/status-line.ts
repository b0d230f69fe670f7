import type { OutputStream } from './io.js';

const ESC = '\u001b';
const CLEAR_LINE = `\r${ESC}[2K`;
/** A colour code (SGR), built from a string so the source holds no control character. */
const SGR = new RegExp(`(${ESC}\\[[0-9;]*m)`);
const SGR_ALL = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

/**
 * One line at the bottom of a terminal that is redrawn in place (the progress display), and whatever else must
 * be written to the same terminal (log lines, notices) printed above it: the line is cleared, the text written,
 * and the line drawn again, so neither ever cuts into the other.
 */
export class StatusLine {
  readonly #stream: OutputStream;
  #text = '';
  #shown = false;

  constructor(stream: OutputStream) {
    this.#stream = stream;
  }

  /** Replaces the status line. It is cut to the terminal's width: a wrapped line could not be redrawn. */
  show(text: string): void {
    this.#text = fit(text, (this.#stream.columns ?? 80) - 1);
    this.#stream.write(`${CLEAR_LINE}${this.#text}`);
    this.#shown = true;
  }

  /** Writes whole lines above the status line. */
  print(text: string): void {
    const lines = text.endsWith('\n') ? text : `${text}\n`;
    if (!this.#shown) {
      this.#stream.write(lines);
      return;
    }
    this.#stream.write(`${CLEAR_LINE}${lines}${this.#text}`);
  }

  /** Removes the status line for good, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (this.#shown) this.#stream.write(CLEAR_LINE);
    this.#shown = false;
    this.#text = '';
  }
}

/** Cuts `text` to `width` visible characters, keeping its colour codes whole and closing any left open. */
export function fit(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let out = '';
  let visible = 0;
  for (const part of text.split(SGR)) {
    if (part.startsWith(`${ESC}[`)) {
      out += part;
      continue;
    }
    const room = Math.max(0, width - 1 - visible);
    const chars = [...part];
    out += chars.slice(0, room).join('');
    visible += Math.min(chars.length, room);
    if (chars.length > room) break;
  }
  return text.includes(`${ESC}[`) ? `${out}…${ESC}[0m` : `${out}…`;
}

export function visibleLength(text: string): number {
  return [...text.replace(SGR_ALL, '')].length;
}
