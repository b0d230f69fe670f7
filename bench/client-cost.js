// CPU per request of the HTTP client alone: got 14 (as src/upload/nlpearl-client.ts configures it, and a minimal
// got) against plain node:http, each sending the same PUT 20,000 times at concurrency 32 to a bare node:http
// server in another process. The figures behind "What got costs" in BENCHMARKS.md.
//
//   node bench/client-cost.js [--requests 20000]
import { fork } from 'node:child_process';
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import got from 'got';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, server: { type: 'boolean', default: false } },
});

if (values.server) {
  let count = 0;
  const server = http.createServer((request, response) => {
    request.resume().on('end', () => {
      const body = JSON.stringify({ leadId: `lead-${(count += 1)}` });
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
  process.on('disconnect', () => process.exit(0));
} else {
  const child = fork(new URL(import.meta.url).pathname, ['--server']);
  const port = await new Promise((resolve) => child.once('message', resolve));
  const url = `http://127.0.0.1:${port}/v1/Outbound/o/Lead`;
  const body = JSON.stringify({
    phoneNumber: '+12125550100',
    externalId: 'e1',
    callData: { firstName: 'A' },
  });
  const headers = { authorization: 'Bearer a:b', accept: 'application/json', 'user-agent': 'bench' };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 32 });
  const gotOptions = {
    agent: { http: agent },
    headers,
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
  };
  const ours = got.extend({ ...gotOptions, timeout: { request: 30_000 } });
  const minimal = got.extend({
    ...gotOptions,
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
  });
  const clients = {
    'got, as the importer calls it': () =>
      ours(url, { method: 'PUT', body, headers: { 'content-type': 'application/json' } }),
    'got, minimal options': () => minimal(url, { body }),
    'node:http': () =>
      new Promise((resolve, reject) => {
        const request = http.request(
          url,
          {
            method: 'PUT',
            agent,
            headers: {
              ...headers,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk) => (text += chunk));
            response.on('end', () => resolve({ body: text }));
          },
        );
        request.on('error', reject);
        request.setTimeout(30_000);
        request.end(body);
      }),
  };
  const total = Number(values.requests);
  for (const [name, send] of Object.entries(clients)) {
    for (let i = 0; i < 500; i += 1) await send(); // warm-up
    const cpu = process.cpuUsage();
    const started = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (sent < total) {
          sent += 1;
          JSON.parse((await send()).body);
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${name.padEnd(32)} ${Math.round(total / seconds)
        .toLocaleString('en-US')
        .padStart(7)} requests/s  ${Math.round((used.user + used.system) / total)} µs CPU per request`,
    );
  }
  agent.destroy();
  child.disconnect();
}
