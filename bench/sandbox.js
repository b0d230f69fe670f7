// The sandbox for benchmarks, as its own process, keeping no request bodies in memory (`record: false`): what
// `nlpearl-leads sandbox --no-record` runs, plus an exit when the benchmark that started it is gone.
//
//   node bench/sandbox.js [--latency ms] [--throttle rps] [--keep-leads] [--dist dir]
// Prints the CLI's "NLPearl sandbox listening on …" line; SIGTERM or SIGINT stops it, and so does the end of
// its standard input when that is a pipe: when bench/run.js dies, however abruptly, the pipe closes and the
// sandbox does not linger.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
/* global AbortController */

const { values } = parseArgs({
  options: {
    latency: { type: 'string' },
    throttle: { type: 'string' },
    'keep-leads': { type: 'boolean', default: false },
    dist: { type: 'string', default: fileURLToPath(new URL('../dist', import.meta.url)) },
  },
});
const { runSandboxCommand } = await import(pathToFileURL(path.join(values.dist, 'sandbox/cli.js')).href);
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop.abort());
if (fs.fstatSync(0).isFIFO()) process.stdin.once('close', () => stop.abort()).resume();
const number = (text) => (text === undefined ? undefined : Number(text));

try {
  await runSandboxCommand(
    {
      port: 0,
      host: '127.0.0.1',
      latencyMs: number(values.latency),
      throttleRps: number(values.throttle),
      record: values['keep-leads'],
    },
    { stdout: process.stdout, signal: stop.signal },
  );
} catch (error) {
  console.error(`bench sandbox: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
