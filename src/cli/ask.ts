import readline from 'node:readline';
import type { OutputStream } from './io.js';

/** Whether a person can be asked: standard input and stderr are both a terminal. */
export function canAsk(io: { stdin: NodeJS.ReadableStream; stderr: OutputStream }): boolean {
  return (io.stdin as { isTTY?: boolean }).isTTY === true && io.stderr.isTTY === true;
}

/**
 * Asks a yes/no question on `output` and reads one line of `input`: true only for y or yes. The end of input
 * (Ctrl-D) and `signal` (Ctrl-C stops the run) are a no. Not readline's terminal mode: the terminal keeps its
 * own line editing, and Ctrl-C stays a signal for the run rather than a key readline swallows.
 */
export function askYesNo(
  input: NodeJS.ReadableStream,
  output: OutputStream,
  question: string,
  signal?: AbortSignal,
): Promise<boolean> {
  if (signal?.aborted === true) return Promise.resolve(false);
  const lines = readline.createInterface({ input, terminal: false });
  return new Promise((resolve) => {
    let answered = false;
    const finish = (yes: boolean) => {
      if (answered) return;
      answered = true;
      signal?.removeEventListener('abort', onAbort);
      lines.close();
      // Left flowing, standard input would keep the process alive after the run.
      input.pause();
      resolve(yes);
    };
    const onAbort = () => {
      output.write('\n');
      finish(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    lines.once('line', (line) => finish(/^y(es)?$/i.test(line.trim())));
    lines.once('close', () => finish(false));
    output.write(question);
  });
}
