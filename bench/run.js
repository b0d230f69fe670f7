// `npm run bench`: throughput and memory at scale. Needs `npm run build` first.
//
//   node bench/run.js [--case N]... [--quick] [--settle load] [--json file] [--keep]
// Case 7 (a PostgreSQL ledger) starts its own PostgreSQL cluster, as the tests do: it needs PostgreSQL installed.
// Each case starts its own sandbox process on 127.0.0.1 and runs the importer as a user would (dist/bin.js
// import), under GNU time for CPU and peak RSS. The table goes to stdout (Markdown), progress to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { benchCases } from './cases.js';
import { leadBody, writeLeadsCsv } from './generate.js';
import { stopClusters } from './postgres.js';
import { figures, table } from './report.js';
import { pathToFileURL } from 'node:url';
import {
  ROOT,
  distFile,
  killRunning,
  revision,
  runImporter,
  runPlainLoop,
  snapshotDist,
  startSandboxProcess,
} from './processes.js';

const { values } = parseArgs({
  options: {
    case: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    settle: { type: 'string' },
  },
});
const quick = values.quick;
/** Rows per case: the issue's sizes, or tiny ones that check the script itself in seconds. */
const SIZES = quick
  ? {
      own: 2_000,
      warmUp: 500,
      latency: 500,
      small: 2_000,
      large: 10_000,
      throttle: 600,
      rate: 300,
      nightly: 2_000,
    }
  : {
      own: 200_000,
      warmUp: 5_000,
      latency: 20_000,
      small: 100_000,
      large: 1_000_000,
      throttle: 12_000,
      rate: 3_000,
      nightly: 100_000,
    };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlpearl-bench-'));
const log = (message) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const csvs = new Map();
/** The CSV of `rows` rows, generated once per run into the temp dir. */
async function csvOf(rows) {
  if (!csvs.has(rows)) {
    const file = path.join(tmp, `leads-${rows}.csv`);
    await writeLeadsCsv(file, rows);
    csvs.set(rows, file);
  }
  return csvs.get(rows);
}
/** Generous bounds: a minute, plus 5 ms a row (200 rows/s would be far below any case's target). */
const timeoutFor = (rows) => 60_000 + rows * 5;
const SETTLE_MAX_MS = 10 * 60_000;
/**
 * With `--settle L`, waits (at most 10 minutes) until the 1-minute load average is below L before a measured
 * run: other work on a 2-core machine shows up directly in rows/s.
 */
async function settle() {
  if (values.settle === undefined) return;
  const limit = Number(values.settle);
  const until = Date.now() + SETTLE_MAX_MS;
  if (os.loadavg()[0] >= limit) log(`waiting for the load to fall below ${limit} (now ${load()})`);
  while (os.loadavg()[0] >= limit && Date.now() < until) await delay(10_000);
  if (os.loadavg()[0] >= limit) log(`the load is still ${load()}: measuring anyway`);
}
let runs = 0;
const timeFile = () => path.join(tmp, `time-${(runs += 1)}.txt`);

/**
 * Runs the importer on `rows` rows and checks it created `created` leads (every row, by default); returns its
 * figures. With every default on: a fresh ledger file unless `ledger` names one (to run a second night on it)
 * or is 'off'. `command: 'validate'` times a check of the file.
 */
async function importRows(
  sandbox,
  rows,
  { concurrency, rate, onTick, ledger, command = 'import', created = rows } = {},
) {
  const csv = await csvOf(rows);
  await settle();
  const fresh = ledger === undefined;
  const ledgerFile = ledger ?? path.join(tmp, `ledger-${runs + 1}.sqlite`);
  log(
    `${command} ${rows} rows, concurrency ${concurrency}${rate === undefined ? '' : `, rate ${rate}`}, ledger ${fresh ? 'new' : /^postgres(ql)?:/.test(ledgerFile) ? 'PostgreSQL' : path.basename(ledgerFile)} (load ${load()})`,
  );
  const results = path.join(tmp, `results-${rows}.csv`);
  const loadBefore = load();
  const serverCpu = sandbox.cpuSeconds();
  const createdBefore = (await sandbox.stats()).created;
  const run = await runImporter({
    csv,
    url: sandbox.url,
    concurrency,
    rate,
    results,
    ledger: ledgerFile,
    command,
    timeoutMs: timeoutFor(rows),
    timeFile: timeFile(),
    onTick,
  });
  // The importer's own rate: from the start of its run to the last outcome, without node's start-up; validate's
  // report has none, so its rate is over the whole process.
  const summary =
    command === 'validate'
      ? ['', String(rows), String(rows / run.wallS)]
      : /Imported ([\d,]+) rows in .*?\(([\d,.]+) rows\/s\)/.exec(run.stdout);
  const stats = await sandbox.stats();
  if (run.code !== 0 || summary === null || stats.created - createdBefore !== created) {
    const why = `exit ${run.code}, the sandbox created ${stats.created - createdBefore} leads, expected ${created}`;
    throw new Error(`the ${command} did not do what it should (${why}):\n${run.stdout}${run.stderr}`);
  }
  fs.rmSync(results, { force: true });
  const ledgerBytes =
    ledgerFile === 'off' || !fs.existsSync(ledgerFile) ? undefined : fs.statSync(ledgerFile).size;
  if (fresh)
    for (const file of [ledgerFile, `${ledgerFile}-wal`, `${ledgerFile}-shm`])
      fs.rmSync(file, { force: true });
  const serverCpuPer10k = ((sandbox.cpuSeconds() - serverCpu) / rows) * 10_000;
  return {
    ...figures(run, rows, Number(summary[2].replaceAll(',', ''))),
    serverCpuPer10k,
    stats,
    ledgerBytes,
    load: loadBefore,
  };
}

/**
 * The importer must send exactly the bodies the plain loop sends. The benchmark's sandboxes keep no leads, so
 * this is checked once, on a small file, against a sandbox in this process that keeps them.
 */
async function checkSameBodies(rows) {
  const { startSandbox } = await import(pathToFileURL(distFile('sandbox/index.js')).href);
  const sandbox = await startSandbox();
  try {
    const csv = await csvOf(rows);
    const results = path.join(tmp, 'results-check.csv');
    const run = await runImporter({
      csv,
      url: sandbox.url,
      concurrency: 8,
      results,
      ledger: 'off',
      timeoutMs: timeoutFor(rows),
      timeFile: timeFile(),
    });
    if (run.code !== 0)
      throw new Error(`the check import failed (exit ${run.code}):\n${run.stdout}${run.stderr}`);
    for (const lead of sandbox.leads) {
      const index = Number(lead.externalId.slice('bench-'.length)) - 1;
      const sent = {
        phoneNumber: lead.phoneNumber,
        externalId: lead.externalId,
        timeZoneId: lead.timeZoneId,
        callData: lead.callData,
      };
      if (!isDeepStrictEqual(sent, leadBody(index)))
        throw new Error(`row ${index + 1}: the importer sent ${JSON.stringify(sent)}`);
    }
    if (sandbox.leads.length !== rows) throw new Error(`${sandbox.leads.length} leads, expected ${rows}`);
    log(`checked: the importer sends the plain loop's bodies (${rows} rows)`);
  } finally {
    await sandbox.close();
  }
}

async function withSandbox(options, body) {
  const sandbox = await startSandboxProcess(options);
  log(`sandbox ${sandbox.command} on ${sandbox.url} ${JSON.stringify(options)}`);
  try {
    return await body(sandbox);
  } finally {
    await sandbox.stop();
  }
}

/** The plain got + p-limit loop on `rows` rows against this sandbox; resets the sandbox after it. */
async function plainLoop(sandbox, rows, concurrency) {
  await settle();
  log(`plain got + p-limit loop, ${rows} rows, concurrency ${concurrency} (load ${load()})`);
  const loadBefore = load();
  const serverCpu = sandbox.cpuSeconds();
  const run = await runPlainLoop({
    url: sandbox.url,
    rows,
    concurrency,
    timeoutMs: timeoutFor(rows),
    timeFile: timeFile(),
  });
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1));
  if (run.code !== 0 || out.created !== rows)
    throw new Error(`the plain loop failed: ${run.stdout}${run.stderr}`);
  const serverCpuPer10k = ((sandbox.cpuSeconds() - serverCpu) / rows) * 10_000;
  await sandbox.reset();
  return { ...figures(run, rows, out.rowsPerSecond), serverCpuPer10k, load: loadBefore };
}

const CASES = benchCases({ SIZES, importRows, plainLoop, withSandbox, tmp });

if (!fs.existsSync(path.join(ROOT, 'dist/bin.js')))
  throw new Error('dist/bin.js is missing: run `npm run build` first');
const wanted = values.case ?? Object.keys(CASES);
for (const name of wanted)
  if (!(name in CASES)) throw new Error(`--case ${name}: expected one of ${Object.keys(CASES).join(', ')}`);
const removeSnapshot = snapshotDist();
/** Synchronous, so that it also runs on 'exit' after an uncaught error (such as EPIPE on a closed pipe). */
const cleanUp = () => {
  killRunning();
  stopClusters();
  removeSnapshot();
  if (!values.keep) fs.rmSync(tmp, { recursive: true, force: true });
};
process.once('exit', cleanUp);
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const rows = [];
try {
  const built = fs.statSync(path.join(ROOT, 'dist/bin.js')).mtime.toISOString();
  log(`revision ${revision()}, dist/ built ${built}, copied to ${distFile('')}`);
  log(`cases ${wanted.join(', ')}${quick ? ' (quick sizes)' : ''}; temp dir ${tmp}; load ${load()}`);
  await checkSameBodies(quick ? 200 : 2_000);
  for (const name of wanted) rows.push(...(await CASES[name]()));
  console.log(table(rows));
  if (values.json !== undefined)
    fs.writeFileSync(
      values.json,
      `${JSON.stringify({ date: new Date().toISOString(), revision: revision(), quick, rows }, null, 2)}\n`,
    );
} catch (error) {
  if (rows.length > 0) console.log(table(rows));
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  cleanUp();
}
