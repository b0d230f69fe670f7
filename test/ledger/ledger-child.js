// A process that uses a ledger and is killed by the test: it runs the built code (npm test builds dist/ first).
// Usage: node ledger-child.js '<location as JSON>' <outbound> [host]  (host: the one its lock names, default this one)
// Marks leads `sending` 32 at a time, as the pipeline does at concurrency 32, and after each batch has resolved
// prints how many leads are committed so far. It never stops: the test kills it.
import os from 'node:os';
import { openLedger } from '../../dist/ledger/open-ledger.js';

const [locationJson, outbound, host = os.hostname()] = process.argv.slice(2);
const ledger = await openLedger(JSON.parse(locationJson), {
  warn: (message) => process.stderr.write(`${message}\n`),
});
const runId = await ledger.startRun({ command: 'import', outbound, source: 'night.csv' });
await ledger.acquireLock(outbound, { pid: process.pid, host, startedAt: new Date() });
process.stdout.write(`run ${runId}\n`);
for (let marked = 0; ;) {
  const batch = [];
  for (let i = 0; i < 32; i++, marked++) {
    const phone = `+1212555${String(marked).padStart(4, '0')}`;
    batch.push(
      ledger.markSending({
        outbound,
        key: `k${marked}`,
        keyKind: 'externalId',
        phone,
        source: 'night.csv',
        runId,
      }),
    );
  }
  await Promise.all(batch);
  process.stdout.write(`committed ${marked}\n`);
}
