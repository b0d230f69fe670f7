import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI, as a user runs it (`npm test` builds it first). */
export const BIN = path.join(ROOT, 'dist/bin.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  readonly child: ReturnType<typeof spawn>;
  readonly done: Promise<CliRun>;
  /** stderr so far: for waiting on a log line. */
  stderr(): string;
}

/** Starts the real CLI in its own process; the environment holds only what the test gives it. */
export function startCli(
  args: readonly string[],
  env: Record<string, string> = {},
  stdin?: string,
): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    // No ledger unless a test names one: each test's runs stand alone, as before the ledger existed.
    env: { PATH: process.env.PATH ?? '', NLPEARL_LEDGER: 'off', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stderr: () => stderr };
}

export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  stdin?: string,
): Promise<CliRun> {
  return startCli(args, env, stdin).done;
}
