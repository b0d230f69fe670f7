import { once } from 'node:events';
import { UsageError } from '../errors.js';
import { SANDBOX_OUTBOUND, startSandbox } from './server.js';
import type { Faults, Sandbox } from './server.js';

export interface SandboxCommandOptions {
  port: number;
  host: string;
  token?: string;
  outbound?: string[];
  latencyMs?: number;
  rate429?: number;
  retryAfter?: string;
  rate5xx?: number;
  rateDrop?: number;
  rateCreateThenDrop?: number;
  rateTextPlain?: number;
  rateHang?: number;
  revokeAfter?: number;
  throttleRps?: number;
  seed?: number;
  /**
   * Keep every request and lead in memory (`recordRequests`, `recordLeads`). Default true; false (`--no-record`)
   * only counts them, for benchmarks of millions of rows.
   */
  record?: boolean;
}

export interface SandboxCommandIo {
  stdout: NodeJS.WritableStream;
  /** Stops the sandbox. Without one, SIGINT or SIGTERM does. */
  signal?: AbortSignal;
}

const FAULT_KEYS = [
  'latencyMs',
  'rate429',
  'retryAfter',
  'rate5xx',
  'rateDrop',
  'rateCreateThenDrop',
  'rateTextPlain',
  'rateHang',
  'revokeAfter',
  'throttleRps',
] as const satisfies readonly (keyof Faults)[];

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
  for (const key of FAULT_KEYS) {
    if (opts[key] !== undefined) (faults as Record<string, unknown>)[key] = opts[key];
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
        recordRequests: opts.record ?? true,
        recordLeads: opts.record ?? true,
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
