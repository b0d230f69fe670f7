import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT } from './run-cli.js';

/** The built CLI running at a real terminal: a detached tmux session on a server of its own. */
export interface TerminalCli {
  /** What the terminal shows now. */
  screen(): string;
  /** Resolves with the screen once it shows `text`; rejects after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<string>;
  /** Types keys, as `tmux send-keys` names them (`y`, `Enter`, `C-c`). */
  keys(...keys: string[]): void;
  /** The CLI's exit code, once it has exited. */
  exited(timeoutMs?: number): Promise<number>;
  /** Ends the tmux server this terminal runs on (its own socket, in `dir`: no other session is touched). */
  close(): void;
}

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

/**
 * Starts `nlpearl-leads <args>` in a detached tmux session, with only `env` and PATH. A server of its own, on a
 * socket in `dir` (`-S`): its environment is this test's, not that of a tmux someone else runs, and the
 * socket goes with the test's folder.
 */
export function startInTerminal(
  dir: string,
  args: readonly string[],
  env: Record<string, string>,
): TerminalCli {
  const socket = path.join(dir, 'tmux.sock');
  const exitFile = path.join(dir, 'terminal-exit-code');
  const assignments = Object.entries({ PATH: process.env.PATH ?? '', NLPEARL_LEDGER: 'off', ...env }).map(
    ([name, value]) => `${name}=${quote(value)}`,
  );
  const command = [
    `cd ${quote(ROOT)} &&`,
    'env -i',
    ...assignments,
    quote(process.execPath),
    quote(BIN),
    ...args.map(quote),
    `; echo $? > ${quote(exitFile)}; sleep 600`,
  ].join(' ');
  const tmux = (...rest: string[]) => spawnSync('tmux', ['-S', socket, ...rest], { encoding: 'utf8' });
  const started = tmux('new-session', '-d', '-s', 'cli', '-x', '200', '-y', '60', command);
  if (started.status !== 0) throw new Error(`tmux new-session failed: ${started.stderr}`);
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'cli').stdout;
  const until = async <T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    screen,
    waitFor: (text, timeoutMs = 15_000) =>
      until(JSON.stringify(text), timeoutMs, () => {
        const shown = screen();
        return shown.includes(text) ? shown : undefined;
      }),
    keys: (...keys) => void tmux('send-keys', '-t', 'cli', ...keys),
    exited: (timeoutMs = 15_000) =>
      until('the CLI to exit', timeoutMs, () => {
        const text = fs.existsSync(exitFile) ? fs.readFileSync(exitFile, 'utf8').trim() : '';
        return text === '' ? undefined : Number(text);
      }),
    close: () => void tmux('kill-server'),
  };
}

function quote(text: string): string {
  return /^[\w./:@%+,=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
