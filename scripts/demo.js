// `npm run demo`: starts the sandbox, imports fixtures/leads.csv with the real CLI, shows the summary and
// where the results are. The fixture holds a few bad rows on purpose, so the import itself exits 1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../dist/sandbox/index.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outputDir = path.join(root, 'demo-output');
fs.mkdirSync(outputDir, { recursive: true });
const results = path.join(outputDir, 'leads.results.csv');

const sandbox = await startSandbox({ faults: { latencyMs: 20, rate5xx: 0.05 } });
console.log(`Sandbox NLPearl API on ${sandbox.url} (20 ms latency, 5% of answers are 503s)\n`);
const args = [
  path.join(root, 'dist/bin.js'),
  'import',
  path.join(root, 'fixtures/leads.csv'),
  '--outbound',
  'sandbox-outbound',
  '--api-url',
  sandbox.url,
  '--default-country',
  'US',
  '--results',
  results,
  '--overwrite',
  '--log-level',
  'error',
];
console.log(
  `$ nlpearl-leads ${args
    .slice(1)
    .map((arg) => (path.isAbsolute(arg) ? path.relative(root, arg) : arg))
    .join(' ')}\n`,
);
// stderr gets its own pipe: when stdout and stderr are one stream (as under `npm run demo | less`), the CLI
// writes its summary as a JSON log line instead of the table a person wants to read here.
const child = spawn(process.execPath, args, {
  stdio: ['ignore', 'inherit', 'pipe'],
  env: { ...process.env, NLPEARL_API_TOKEN: sandbox.token },
});
child.stderr.pipe(process.stderr);
const code = await new Promise((resolve) => child.on('exit', resolve));
await sandbox.close();
console.log(`\nThe import exited ${code}; the sandbox received ${sandbox.leads.length} leads.`);
console.log(
  `Open ${path.relative(root, results)}: each row has its _status, _leadId or _error next to its own columns.`,
);
process.exitCode = code === 0 || code === 1 ? 0 : 1;
