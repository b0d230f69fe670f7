// Opens a ledger and writes one lead, then prints what happened as JSON: the test runs it as an unprivileged
// user when it runs as root (root writes to read-only folders). It runs the built code (npm test builds dist/).
// Usage: node open-child.js '<location as JSON>'
import { openLedger } from '../../dist/ledger/open-ledger.js';

try {
  const ledger = await openLedger(JSON.parse(process.argv[2]), { warn: () => {} });
  const runId = await ledger.startRun({ command: 'import', outbound: 'o', source: 's' });
  await ledger.markSending({ outbound: 'o', key: 'k', keyKind: 'phone', phone: 'k', source: 's', runId });
  await ledger.close();
  process.stdout.write(JSON.stringify({ ok: true }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, code: error.code, message: error.message }));
}
