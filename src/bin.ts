#!/usr/bin/env node
import { main } from './cli/main.js';

// The only place that exits the process: everything below returns an exit code.
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signals: process,
  exitNow: (status) => process.exit(status),
});
