import { once } from 'node:events';
import { UsageError } from '../errors.js';
import { numberSchema } from '../options/value-schema.js';
import { expectedNumber } from '../options/yargs-flag.js';
import { SANDBOX_OUTBOUND, startSandbox } from './server.js';
import type { Faults, Sandbox } from './server.js';
import type { FAULT_SWITCHES } from './switches.js';
import { SERVER_SWITCHES, faultEntries, serverEntries, switchFlag, type SwitchValues } from './switches.js';

/** What `nlpearl-leads sandbox` runs with: its switches (switches.ts), and what only a caller in code sets. */
export type SandboxCommandOptions = SwitchValues<typeof FAULT_SWITCHES> &
  SwitchValues<typeof SERVER_SWITCHES> & {
    port: number;
    host: string;
    token?: string;
    outbound?: string[];
  };

export interface SandboxCommandIo {
  stdout: NodeJS.WritableStream;
  /** Stops the sandbox. Without one, SIGINT or SIGTERM does. */
  signal?: AbortSignal;
}

/**
 * The options of the `sandbox` command from its flags (as yargs hands them over, under their flag names), the
 * server's defaults from the switch table. yargs gives null for a number flag whose value is not a number.
 */
export function sandboxCommandOptions(flags: Readonly<Record<string, unknown>>): SandboxCommandOptions {
  const options: Record<string, unknown> = {};
  for (const [name, spec] of [...serverEntries, ...faultEntries]) {
    const flag = switchFlag(name, spec);
    const value = flags[flag];
    if (spec.type === 'number' && (value === null || Number.isNaN(value))) {
      throw new UsageError(`--${flag} expects a number`);
    }
    if (value !== undefined) options[name] = value;
  }
  for (const [name, spec] of serverEntries) {
    const value = options[name] ?? ('default' in spec ? spec.default : undefined);
    // The faults are checked by the sandbox; the server's own numbers here, against the same table.
    if (typeof value === 'number' && spec.type === 'number' && !numberSchema(spec).safeParse(value).success) {
      throw new UsageError(`--${switchFlag(name, spec)} expects ${expectedNumber(spec)}`);
    }
    if (value !== undefined) options[name] = value;
  }
  return { ...(options as Omit<SandboxCommandOptions, 'host'>), host: '127.0.0.1' };
}

/**
 * The line printed once the sandbox listens. Scripts that spawn the sandbox read the URL from it with
 * `/listening on (\S+)/`, so its start must not change.
 */
export function listeningLine(sandbox: Pick<Sandbox, 'url' | 'token'>, outbounds: readonly string[]): string {
  return `NLPearl sandbox listening on ${sandbox.url} (token: ${sandbox.token}, outbound: ${outbounds.join(', ')})`;
}

/** Runs the sandbox until the signal aborts (or, without one, until SIGINT/SIGTERM), then closes it. */
export async function runSandboxCommand(opts: SandboxCommandOptions, io: SandboxCommandIo): Promise<void> {
  const faults: Partial<Faults> = {};
  for (const [name] of faultEntries) {
    if (opts[name] !== undefined) (faults as Record<string, unknown>)[name] = opts[name];
  }
  const outbounds = opts.outbound !== undefined && opts.outbound.length > 0 ? opts.outbound : undefined;

  const { signal, release } =
    io.signal === undefined ? processSignal() : { signal: io.signal, release: noop };
  try {
    if (signal.aborted) return;
    let sandbox: Sandbox;
    try {
      sandbox = await startSandbox({
        port: opts.port,
        host: opts.host,
        token: opts.token,
        outbounds,
        faults,
        seed: opts.seed,
        recordRequests: opts.record ?? SERVER_SWITCHES.record.default,
        recordLeads: opts.record ?? SERVER_SWITCHES.record.default,
      });
    } catch (error) {
      // A bad fault value or a port in use is the user's to fix: say which, in one line.
      throw new UsageError(`Cannot start the sandbox: ${(error as Error).message}`, 'USAGE', {
        cause: error,
      });
    }
    try {
      io.stdout.write(`${listeningLine(sandbox, outbounds ?? [SANDBOX_OUTBOUND])}\n`);
      if (!signal.aborted) await once(signal, 'abort');
    } finally {
      await sandbox.close();
    }
  } finally {
    release();
  }
}

function noop(): void {}

function processSignal(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}
