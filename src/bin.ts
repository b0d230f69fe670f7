#!/usr/bin/env node
import { limitHeapGrowth } from './cli/heap-growth.js';
import { main } from './cli/main.js';
import { controlYoungGeneration, youngGenerationSetting } from './cli/young-generation.js';

const young = youngGenerationSetting(process.execArgv, process.env);
const heapError = 'error' in young ? undefined : limitHeapGrowth(process.execArgv, process.env);
if ('error' in young || heapError !== undefined) {
  process.stderr.write(`nlpearl-leads: ${'error' in young ? young.error : heapError}\n`);
  process.exitCode = 2;
} else {
  const youngGeneration = controlYoungGeneration(young);
  // The only place that exits the process: everything below returns an exit code.
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signals: process,
    exitNow: (status) => process.exit(status),
    memory: youngGeneration.memory,
  });
  youngGeneration.stop();
}
