import { PassThrough, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

/** An output that keeps what is written to it, as a terminal (isTTY, columns) or as a pipe. */
export class Sink extends Writable {
  text = '';
  readonly isTTY: boolean | undefined;
  readonly columns: number | undefined;

  constructor(tty: boolean, columns = 100) {
    super({
      write: (chunk: Buffer | string, _encoding, done) => {
        this.text += chunk.toString();
        done();
      },
    });
    this.isTTY = tty ? true : undefined;
    this.columns = tty ? columns : undefined;
  }
}

/** The CLI's outside world for an in-process `main`: stdout and stderr terminals or pipes, a given env. */
export function fakeIo(
  options: {
    tty?: boolean;
    stdoutTty?: boolean;
    env?: Record<string, string>;
    stdin?: string;
    columns?: number;
  } = {},
): { io: CliIo; stdout: Sink; stderr: Sink } {
  const stdout = new Sink(options.stdoutTty ?? options.tty ?? false, options.columns);
  const stderr = new Sink(options.tty ?? false, options.columns);
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  // No ledger unless a test names one (NLPEARL_LEDGER), as with the built CLI (run-cli.ts).
  return { io: { stdout, stderr, stdin, env: { NLPEARL_LEDGER: 'off', ...options.env } }, stdout, stderr };
}

/**
 * What a terminal shows after `text`: `\r` returns to the line's start, `ESC[2K` clears the line, `\n` starts a
 * new one, and other characters overwrite. Colour codes are dropped.
 */
export function screen(text: string): string[] {
  const lines: string[] = [''];
  let column = 0;
  // eslint-disable-next-line no-control-regex
  const tokens = text.replace(/\u001b\[[0-9;]*m/g, '').split(/(\r|\n|\u001b\[2K)/);
  for (const token of tokens) {
    const row = lines.length - 1;
    if (token === '\r') column = 0;
    else if (token === '\n') {
      lines.push('');
      column = 0;
    } else if (token === '\u001b[2K') lines[row] = '';
    else {
      const line = lines[row]!.padEnd(column);
      lines[row] = line.slice(0, column) + token + line.slice(column + token.length);
      column += token.length;
    }
  }
  return lines;
}

/** The progress frames drawn: texts written after a line clear and not ended by a line break. */
export function frames(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return [...text.matchAll(/\r\u001b\[2K([^\r\n]+)(?=\r|$)/g)].map((match) => match[1]!);
}
