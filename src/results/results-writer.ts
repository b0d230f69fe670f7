import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { OutputError, describeFsError } from '../errors.js';
import type { RowOutcome } from '../types.js';
import { RESULT_COLUMNS } from './columns.js';

/** Lines held before a flush is forced; a flush also happens on the next turn of the event loop. */
const MAX_PENDING = 512;

/**
 * Appends one line per outcome to the results file. Lines are written with synchronous writes of whole lines,
 * at the latest one event-loop turn after they arrive: a crash or `kill -9` loses at most that turn, and no
 * exit, however abrupt, can leave half a line behind.
 */
export class ResultsWriter {
  readonly path: string;
  readonly #onFailure: (error: OutputError) => void;
  #fd: number | undefined;
  /** The first write that failed (a full disk): later lines are dropped, and the run is told once. */
  #failure: OutputError | undefined;
  #pending: string[][] = [];
  #scheduled = false;
  #lines = 0;
  /** The write shared by the journal lines of the rows starting in this turn of the event loop. */
  #journalWrite: Promise<void> | undefined;

  private constructor(path: string, fd: number, onFailure: (error: OutputError) => void) {
    this.path = path;
    this.#fd = fd;
    this.#onFailure = onFailure;
  }

  /**
   * @param mode 'create' writes a new file with the header (failing if it exists); 'replace' truncates;
   *   'append' continues an existing results file whose header is already there.
   * @param onFailure told once when a later write fails; the writer then drops what it is given.
   * Throws OutputError 'RESULTS_UNWRITABLE' when the file cannot be opened or its header written.
   */
  static open(
    path: string,
    header: readonly string[],
    mode: 'create' | 'replace' | 'append',
    onFailure: (error: OutputError) => void,
  ): ResultsWriter {
    const flags = mode === 'create' ? 'wx' : mode === 'replace' ? 'w' : 'a';
    let fd: number | undefined;
    try {
      fd = fs.openSync(path, flags);
      if (mode !== 'append' || fs.fstatSync(fd).size === 0) {
        fs.writeSync(fd, stringify([[...RESULT_COLUMNS, ...header]]));
      }
    } catch (error) {
      if (fd !== undefined) fs.closeSync(fd);
      throw unwritable(path, error);
    }
    return new ResultsWriter(path, fd, onFailure);
  }

  get failure(): OutputError | undefined {
    return this.#failure;
  }

  /** Lines written so far (not counting the header). */
  get lines(): number {
    return this.#lines;
  }

  write(outcome: RowOutcome, cells: readonly string[]): void {
    this.#pending.push([
      String(outcome.row),
      outcome.status,
      safeCell(outcome.leadId ?? ''),
      safeCell(outcome.error ?? ''),
      outcome.attempts === 0 ? '' : String(outcome.attempts),
      ...cells,
    ]);
    if (this.#pending.length >= MAX_PENDING) {
      this.flush();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Queues a crash-journal line ("sending") and resolves once it is written, with everything pending before it:
   * the line must be in the OS's hands before its request leaves, or a `kill -9` could hide a lead the server
   * created. The rows that start in the same turn of the event loop share one write: the flush runs on
   * `setImmediate`, after every answer that arrived in this turn's I/O phase has freed its slot and started its
   * next row: at high concurrency answers come several to a turn, and one write for them all saves a system
   * call per row. The request waits only for the end of the current turn.
   */
  writeBeforeSending(outcome: RowOutcome, cells: readonly string[]): Promise<void> {
    this.write(outcome, cells);
    this.#journalWrite ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.#journalWrite = undefined;
        this.flush();
        if (this.#fd === undefined || this.#failure !== undefined) {
          reject(this.#failure ?? unwritable(this.path, new Error('the results file is closed')));
        } else resolve();
      });
    });
    return this.#journalWrite;
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#fd === undefined || this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    if (this.#failure !== undefined) return;
    try {
      fs.writeSync(this.#fd, stringify(lines));
      this.#lines += lines.length;
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Flushes, syncs to disk and closes; safe to call twice. A failure is told through `onFailure`. */
  close(): void {
    if (this.#fd === undefined) return;
    this.flush();
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      fs.fsyncSync(fd);
    } catch (error) {
      this.#fail(error);
    } finally {
      fs.closeSync(fd);
    }
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = unwritable(this.path, error);
    this.#onFailure(this.#failure);
  }
}

function unwritable(path: string, error: unknown): OutputError {
  return new OutputError(
    `cannot write the results file ${describeFsError(path, error)}`,
    'RESULTS_UNWRITABLE',
    {
      cause: error,
      path,
    },
  );
}

/**
 * Text that came from the API (error messages, ids) must not run as a formula when a user opens the results in
 * a spreadsheet program. The user's own cells are written exactly as they were read.
 */
export function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
