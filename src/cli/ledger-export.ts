import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { UsageError, describeFsError } from '../errors.js';
import type { Ledger, LedgerEntry } from '../ledger/types.js';
import type { CliIo } from './io.js';

export const EXPORT_COLUMNS = [
  'key',
  'keyKind',
  'phone',
  'leadId',
  'state',
  'source',
  'createdRun',
  'firstRun',
  'lastRun',
] as const satisfies readonly (keyof LedgerEntry)[];

/** Rows turned into CSV at once: the ledger pages its entries, and so does the output. */
const CHUNK = 500;

/**
 * Writes the outbound's entries as CSV, ordered by key, to `output` or standard output. The file holds phone
 * numbers, as the ledger does, so it is created readable by its owner only.
 */
export async function exportLedger(
  ledger: Ledger,
  outbound: string,
  output: string | undefined,
  io: CliIo,
): Promise<number> {
  const sink = output === undefined ? streamSink(io.stdout) : fileSink(output);
  let rows = 0;
  try {
    let chunk: LedgerEntry[] = [];
    await sink.write(stringify([EXPORT_COLUMNS]));
    for await (const entry of ledger.exportEntries(outbound)) {
      chunk.push(entry);
      rows += 1;
      if (chunk.length === CHUNK) {
        await sink.write(csvOf(chunk));
        chunk = [];
      }
    }
    if (chunk.length > 0) await sink.write(csvOf(chunk));
  } finally {
    sink.close();
  }
  if (rows === 0) {
    io.stderr.write(`nlpearl-leads: the ledger ${ledger.location} holds no lead of outbound ${outbound}\n`);
  } else if (output !== undefined) {
    io.stderr.write(`nlpearl-leads: ${rows} leads of outbound ${outbound} written to ${output}\n`);
  }
  return 0;
}

function csvOf(entries: readonly LedgerEntry[]): string {
  return stringify(entries.map((entry) => EXPORT_COLUMNS.map((column) => entry[column] ?? '')));
}

interface Sink {
  write(text: string): Promise<void>;
  close(): void;
}

/** Waits while the stream is full, so that a large export is not buffered whole in memory. */
function streamSink(stream: NodeJS.WritableStream): Sink {
  return {
    write: async (text) => {
      if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
    },
    close: () => undefined,
  };
}

function fileSink(file: string): Sink {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w', 0o600);
  } catch (error) {
    throw new UsageError(`cannot write the export: ${describeFsError(file, error)}`, 'CONFIG', {
      cause: error,
    });
  }
  return {
    write: (text) => {
      try {
        fs.writeSync(fd, text);
      } catch (error) {
        throw new UsageError(`cannot write the export: ${describeFsError(file, error)}`, 'CONFIG', {
          cause: error,
        });
      }
      return Promise.resolve();
    },
    close: () => fs.closeSync(fd),
  };
}
