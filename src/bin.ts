#!/usr/bin/env node
import { limitHeapGrowth } from './cli/heap-growth.js';
import { main } from './cli/main.js';

limitHeapGrowth(process.execArgv, process.env.NODE_OPTIONS);

// The only place that exits the process: everything below returns an exit code.
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signals: process,
  exitNow: (status) => process.exit(status),
});
process.exitCode = code;
