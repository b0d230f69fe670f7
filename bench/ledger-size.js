// The SQLite ledger's cost: time and file size to record N leads, and the cost of a lookup per row.
//
//   npm run build && node bench/ledger-size.js [--leads 1000000] [--lookups 100000] [--concurrency 32]
//
// Records the leads as the pipeline does at `--concurrency`: in each event-loop turn, the outcomes (`created`,
// with leadId and body hash) of the previous turn's rows and the intent (`sending`) of the next ones, one
// transaction a turn. Then times `get` for `--lookups` random known keys, one at a time and `--concurrency` at
// a time, and an unchanged night over those rows (`get` then `markSeen`). Works in a temporary folder, removed
// at the end, also when interrupted. Prints readable lines, then one JSON line.
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { hashLeadBody } from '../dist/ledger/body-hash.js';
import { resolveLedgerLocation } from '../dist/ledger/location.js';
import { openLedger } from '../dist/ledger/open-ledger.js';
import { leadBody } from './generate.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    lookups: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '32' },
  },
});
const leads = Number(values.leads);
const lookups = Math.min(Number(values.lookups), leads);
const concurrency = Number(values.concurrency);
if (![leads, lookups, concurrency].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('usage: node bench/ledger-size.js [--leads N] [--lookups N] [--concurrency N]');
  process.exit(2);
}

const OUTBOUND = '66a1f0c2e4b0a1b2c3d4e5f6';
const SOURCE = '/data/exports/crm-leads.csv';
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nlpearl-leads-ledger-bench-'));
const cleanUp = () => fs.rmSync(folder, { recursive: true, force: true });
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    cleanUp();
    process.exit(code);
  });
}

const lead = (i, runId) => {
  const body = leadBody(i);
  return {
    outbound: OUTBOUND,
    key: body.externalId,
    keyKind: 'externalId',
    phone: body.phoneNumber,
    source: SOURCE,
    runId,
  };
};
/** A 24-hex-digit id, the shape of NLPearl's lead ids. */
const leadId = (i) => (0x66a1f0c2n * 2n ** 64n + BigInt(i)).toString(16).padStart(24, '0');
const perRow = (ms, rows) => `${((ms * 1000) / rows).toFixed(1)} µs/row`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

try {
  const location = resolveLedgerLocation({ flag: path.join(folder, 'ledger.sqlite'), env: {} }).location;
  let ledger = await openLedger(location, { warn: console.warn });
  const night1 = await ledger.startRun({
    command: 'import',
    outbound: OUTBOUND,
    source: SOURCE,
    inputPath: SOURCE,
  });

  let started = performance.now();
  let previous = [];
  for (let first = 0; first < leads || previous.length > 0; first += concurrency) {
    const batch = [];
    for (let i = first; i < Math.min(first + concurrency, leads); i++) batch.push(i);
    const writes = [
      ...previous.map((i) =>
        ledger.markCreated(lead(i, night1), { leadId: leadId(i), bodyHash: hashLeadBody(leadBody(i)) }),
      ),
      ...batch.map((i) => ledger.markSending(lead(i, night1))),
    ];
    await Promise.all(writes);
    previous = batch;
  }
  const recordMs = performance.now() - started;
  await ledger.finishRun(night1, { counts: { created: leads }, exitStatus: 0 });
  const counts = await ledger.count(OUTBOUND);
  if (counts.created !== leads) throw new Error(`expected ${leads} created, got ${JSON.stringify(counts)}`);
  await ledger.close();
  const fileBytes = fs.statSync(location.file).size;
  console.log(
    `recorded ${leads} leads (sending, then created) in ${(recordMs / 1000).toFixed(1)} s: ${perRow(recordMs, leads)}`,
  );
  console.log(`ledger file after close: ${mb(fileBytes)} (${(fileBytes / leads).toFixed(0)} bytes a lead)`);

  ledger = await openLedger(location, { warn: console.warn });
  const keys = Array.from({ length: lookups }, () => leadBody(randomInt(leads)).externalId);
  started = performance.now();
  for (const key of keys) if ((await ledger.get(OUTBOUND, key)) === undefined) throw new Error(`lost ${key}`);
  const getSerialMs = performance.now() - started;

  started = performance.now();
  for (let first = 0; first < lookups; first += concurrency) {
    await Promise.all(keys.slice(first, first + concurrency).map((key) => ledger.get(OUTBOUND, key)));
  }
  const getConcurrentMs = performance.now() - started;
  console.log(
    `get, ${lookups} random known keys: ${perRow(getSerialMs, lookups)} one at a time, ${perRow(getConcurrentMs, lookups)} ${concurrency} at a time`,
  );

  const night2 = await ledger.startRun({
    command: 'import',
    outbound: OUTBOUND,
    source: SOURCE,
    inputPath: SOURCE,
  });
  started = performance.now();
  for (let first = 0; first < lookups; first += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, lookups - first) }, async (_, offset) => {
        const i = first + offset;
        const entry = await ledger.get(OUTBOUND, leadBody(i).externalId);
        if (entry?.bodyHash === hashLeadBody(leadBody(i))) await ledger.markSeen(lead(i, night2));
        else throw new Error(`lead ${i} looks changed`);
      }),
    );
  }
  const unchangedMs = performance.now() - started;
  console.log(`unchanged night, ${lookups} rows (get, hash, markSeen): ${perRow(unchangedMs, lookups)}`);
  await ledger.close();

  console.log(
    JSON.stringify({
      leads,
      concurrency,
      recordMs: Math.round(recordMs),
      recordRowsPerSecond: Math.round(leads / (recordMs / 1000)),
      fileBytes,
      bytesPerLead: Math.round(fileBytes / leads),
      lookups,
      getSerialMicros: Number(((getSerialMs * 1000) / lookups).toFixed(2)),
      getConcurrentMicros: Number(((getConcurrentMs * 1000) / lookups).toFixed(2)),
      unchangedRowMicros: Number(((unchangedMs * 1000) / lookups).toFixed(2)),
    }),
  );
} finally {
  cleanUp();
}
