import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { InputError, OutputError } from '../errors.js';
import type { StopCode } from './summary.js';

/**
 * How a run stops part-way: the first reason wins, no new request starts, those in flight finish and their
 * outcomes are written. A file that failed (input unreadable, results unwritable) is kept, so the run can
 * throw it when nothing had been sent yet.
 */
export class RunStop {
  readonly #controller = new AbortController();
  readonly #logger: Logger;
  #reason: { readonly code: StopCode; readonly message: string } | undefined;
  #failure: InputError | OutputError | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
    // Every request in flight waits on this signal (its backoff, its pace): as many listeners as --concurrency.
    setMaxListeners(0, this.#controller.signal);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get reason(): { readonly code: StopCode; readonly message: string } | undefined {
    return this.#reason;
  }

  get failure(): InputError | OutputError | undefined {
    return this.#failure;
  }

  /** `level`: a stop the user asked for (`--canary`) is no warning. */
  stop(code: StopCode, message: string, level: 'warn' | 'info' = 'warn'): void {
    if (this.#reason !== undefined) return;
    this.#reason = { code, message };
    this.#logger[level]({ code }, message);
    this.#controller.abort();
  }

  fail(error: InputError | OutputError): void {
    if (this.#reason !== undefined) return;
    this.#failure = error;
    this.stop(error.code, error.message);
  }
}
