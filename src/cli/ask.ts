import readline from 'node:readline';
import type { CliIo } from './io.js';

/** Whether a person can answer a question: standard input and standard error are both a terminal. */
export function atTerminal(io: CliIo): boolean {
  return (io.stdin as { isTTY?: boolean }).isTTY === true && io.stderr.isTTY === true;
}

/** One line from standard input; empty when it ends first (Ctrl-D counts as no). */
export function ask(io: CliIo, question: string): Promise<string> {
  io.stderr.write(question);
  const lines = readline.createInterface({ input: io.stdin, terminal: false });
  return new Promise((resolve) => {
    let answer = '';
    lines.once('line', (line) => {
      answer = line;
      lines.close();
    });
    lines.once('close', () => resolve(answer));
  });
}

/** y or yes, in any case: anything else, an empty line included, is no. */
export function isYes(answer: string): boolean {
  return /^y(es)?$/i.test(answer.trim());
}
