// The ceiling of our own HTTP stack on this machine: got 14 with a keep-alive agent and p-limit, sending the
// same Add Lead bodies as the importer, with nothing else (no CSV, no validation, no results file, no pacing).
//
//   node bench/plain-loop.js --url http://127.0.0.1:PORT --rows 200000 --concurrency 32
// Prints one JSON line: {"rows","created","failed","elapsedMs","rowsPerSecond"}.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import got from 'got';
import pLimit from 'p-limit';
import { leadBody } from './generate.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rows: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    outbound: { type: 'string', default: 'sandbox-outbound' },
    token: { type: 'string', default: process.env.NLPEARL_API_TOKEN ?? 'sandbox-account:sandbox-secret' },
  },
});
const rows = Number(values.rows);
const concurrency = Number(values.concurrency);
if (values.url === undefined || !Number.isInteger(rows) || rows < 1 || !Number.isInteger(concurrency)) {
  console.error('usage: node bench/plain-loop.js --url <sandbox url> --rows <n> [--concurrency 32]');
  process.exit(2);
}
if (new URL(values.url).hostname !== '127.0.0.1') {
  console.error('plain-loop: only 127.0.0.1 is allowed');
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
const client = got.extend({
  agent: { http: agent },
  headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
  timeout: { request: 30_000 },
  retry: { limit: 0 },
  throwHttpErrors: false,
  responseType: 'text',
});
const url = `${values.url}/v1/Outbound/${encodeURIComponent(values.outbound)}/Lead`;
const limit = pLimit(concurrency);

let created = 0;
let failed = 0;
let allDone;
const finished = new Promise((resolve) => (allDone = resolve));
const send = async (i) => {
  try {
    const response = await client.put(url, { body: JSON.stringify(leadBody(i)) });
    const ok = response.statusCode === 200 && typeof JSON.parse(response.body).leadId === 'string';
    if (ok) created += 1;
    else failed += 1;
  } catch {
    failed += 1;
  }
  if (created + failed === rows) allDone();
};

const started = performance.now();
// Bounded like the importer: at most 2 × concurrency tasks queued, so memory does not grow with --rows.
let wake;
for (let i = 0; i < rows; i += 1) {
  while (limit.activeCount + limit.pendingCount >= 2 * concurrency) await new Promise((r) => (wake = r));
  void limit(() => send(i)).finally(() => wake?.());
}
// Every request ends, answered or timed out after 30 s, so this wait is bounded.
await finished;
const elapsedMs = performance.now() - started;
agent.destroy();
console.log(
  JSON.stringify({ rows, created, failed, elapsedMs, rowsPerSecond: (created * 1000) / elapsedMs }),
);
