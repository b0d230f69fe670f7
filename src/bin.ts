#!/usr/bin/env node
import { main } from './cli/main.js';

// A reader that goes away (`… | head`) must not stop a run half-way with a stack trace: what it would have read
// is dropped, and the run goes on to its end (the results file and the ledger are the record).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// The only place that exits the process: everything below returns an exit code.
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signals: process,
  exitNow: (status) => process.exit(status),
});
