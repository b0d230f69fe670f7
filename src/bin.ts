#!/usr/bin/env node
import { limitHeapGrowth } from './cli/heap-growth.js';
import { main } from './cli/main.js';

const heapError = limitHeapGrowth(process.execArgv, process.env);
if (heapError === undefined) {
  // The only place that exits the process: everything below returns an exit code.
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signals: process,
    exitNow: (status) => process.exit(status),
  });
} else {
  process.stderr.write(`nlpearl-leads: ${heapError}\n`);
  process.exitCode = 2;
}
