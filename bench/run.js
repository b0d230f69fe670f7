// `npm run bench`: throughput and memory at scale (issue #5). Needs `npm run build` first.
//
//   node bench/run.js [--case N]... [--quick] [--settle load] [--json file] [--keep]
// Each case starts its own sandbox process on 127.0.0.1 and runs the importer as a user would (dist/bin.js
// import), under GNU time for CPU and peak RSS. The table goes to stdout (Markdown), progress to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { leadBody, writeLeadsCsv } from './generate.js';
import { pathToFileURL } from 'node:url';
import {
  ROOT,
  distFile,
  killRunning,
  peakRssKb,
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
  ? { own: 2_000, warmUp: 500, latency: 500, small: 2_000, large: 10_000, throttle: 600, rate: 300 }
  : {
      own: 200_000,
      warmUp: 5_000,
      latency: 20_000,
      small: 100_000,
      large: 1_000_000,
      throttle: 12_000,
      rate: 3_000,
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

/** Runs the importer on `rows` rows and checks every row was created; returns its figures. */
async function importRows(sandbox, rows, { concurrency, rate, onTick } = {}) {
  const csv = await csvOf(rows);
  await settle();
  log(
    `import ${rows} rows, concurrency ${concurrency}${rate === undefined ? '' : `, rate ${rate}`} (load ${load()})`,
  );
  const results = path.join(tmp, `results-${rows}.csv`);
  const loadBefore = load();
  const serverCpu = sandbox.cpuSeconds();
  const run = await runImporter({
    csv,
    url: sandbox.url,
    concurrency,
    rate,
    results,
    timeoutMs: timeoutFor(rows),
    timeFile: timeFile(),
    onTick,
  });
  // The importer's own rate: from the start of its run to the last outcome, without node's start-up.
  const summary = /Imported ([\d,]+) rows in .*?\(([\d,.]+) rows\/s\)/.exec(run.stdout);
  const stats = await sandbox.stats();
  if (run.code !== 0 || summary === null || stats.created !== rows) {
    const why = `exit ${run.code}, the sandbox created ${stats.created} leads`;
    throw new Error(`the import did not create every row (${why}):\n${run.stdout}${run.stderr}`);
  }
  fs.rmSync(results, { force: true });
  const serverCpuPer10k = ((sandbox.cpuSeconds() - serverCpu) / rows) * 10_000;
  return {
    ...figures(run, rows, Number(summary[2].replaceAll(',', ''))),
    serverCpuPer10k,
    stats,
    load: loadBefore,
  };
}

function figures(run, rows, rowsPerSecond) {
  return {
    rows,
    rowsPerSecond,
    wallS: run.wallS,
    cpuPer10k: ((run.userS + run.sysS) / rows) * 10_000,
    peakRssMb: run.maxRssKb / 1024,
  };
}

/**
 * The importer must send exactly the bodies the plain loop sends. The benchmark's sandboxes keep no leads, so
 * this is checked once, on a small file, against a sandbox in this process that keeps them.
 */
async function checkSameBodies(rows) {
  const { startSandbox } = await import(pathToFileURL(distFile('index.js')).href);
  const sandbox = await startSandbox();
  try {
    const csv = await csvOf(rows);
    const results = path.join(tmp, 'results-check.csv');
    const run = await runImporter({
      csv,
      url: sandbox.url,
      concurrency: 8,
      results,
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

const CASES = {
  1: () =>
    withSandbox({ latencyMs: 0 }, async (sandbox) => {
      const plain = async (rows) => {
        await settle();
        log(`plain got + p-limit loop, ${rows} rows, concurrency 32 (load ${load()})`);
        const loadBefore = load();
        const serverCpu = sandbox.cpuSeconds();
        const run = await runPlainLoop({
          url: sandbox.url,
          rows,
          concurrency: 32,
          timeoutMs: timeoutFor(rows),
          timeFile: timeFile(),
        });
        const out = JSON.parse(run.stdout.trim().split('\n').at(-1));
        if (run.code !== 0 || out.created !== rows)
          throw new Error(`the plain loop failed: ${run.stdout}${run.stderr}`);
        const serverCpuPer10k = ((sandbox.cpuSeconds() - serverCpu) / rows) * 10_000;
        await sandbox.reset();
        return { ...figures(run, rows, out.rowsPerSecond), serverCpuPer10k, load: loadBefore };
      };
      await plain(SIZES.warmUp); // warms the sandbox's JIT, so neither measured run pays for it
      const importer = await importRows(sandbox, SIZES.own, { concurrency: 32 });
      await sandbox.reset();
      const loop = await plain(SIZES.own);
      const ratio = importer.rowsPerSecond / loop.rowsPerSecond;
      return [
        {
          name: '1. plain got + p-limit loop, 0 ms, c=32',
          ...loop,
          ceiling: '—',
          ratio: undefined,
          server: '',
          target: 'reference',
          met: undefined,
        },
        {
          name: '1. importer, 0 ms, c=32',
          ...importer,
          ceiling: `${Math.round(loop.rowsPerSecond)} (plain loop)`,
          ratio,
          server: '',
          target: '≥ 70% of plain loop',
          met: ratio >= 0.7,
        },
      ];
    }),
  2: () =>
    withSandbox({ latencyMs: 50 }, async (sandbox) => {
      const run = await importRows(sandbox, SIZES.latency, { concurrency: 50 });
      const ratio = run.rowsPerSecond / 1000;
      return [
        {
          name: '2. importer, 50 ms, c=50',
          ...run,
          ceiling: '1000 (C/L)',
          ratio,
          server: '',
          target: '≥ 95% of 1000/s',
          met: ratio >= 0.95,
        },
      ];
    }),
  3: () =>
    withSandbox({ latencyMs: 0 }, async (sandbox) => {
      const small = await importRows(sandbox, SIZES.small, { concurrency: 32 });
      await sandbox.reset();
      // Also the peak RSS of the large run itself as it passes the small run's size, read from /proc.
      const marks = {};
      const onTick = async (pid) => {
        const { created } = await sandbox.stats();
        const hwm = peakRssKb(pid);
        for (const mark of [SIZES.small, SIZES.large / 2])
          if (created >= mark && marks[mark] === undefined && hwm) marks[mark] = hwm / 1024;
      };
      const large = await importRows(sandbox, SIZES.large, { concurrency: 32, onTick });
      const growth = large.peakRssMb / small.peakRssMb - 1;
      const inRun = Object.entries(marks)
        .map(([rows, mb]) => `${mb.toFixed(0)} MB at ${Number(rows) / 1000}k`)
        .join(', ');
      return [
        {
          name: `3. importer, ${SIZES.small / 1000}k rows, 0 ms, c=32`,
          ...small,
          ceiling: '—',
          ratio: undefined,
          server: '',
          target: 'reference',
          met: undefined,
        },
        {
          name: `3. importer, ${SIZES.large / 1000}k rows, 0 ms, c=32`,
          ...large,
          ceiling: '—',
          ratio: undefined,
          server: `RSS +${(growth * 100).toFixed(0)}% vs ${SIZES.small / 1000}k run; in this run: ${inRun || 'n/a'}`,
          target: '≤ 150 MB and ≤ +20%',
          met: large.peakRssMb <= 150 && growth <= 0.2,
        },
      ];
    }),
  4: () =>
    withSandbox({ throttleRps: 200 }, async (sandbox) => {
      const run = await importRows(sandbox, SIZES.throttle, { concurrency: 32 });
      const ratio = run.rowsPerSecond / 200;
      const share = (run.stats.byStatus['429'] ?? 0) / run.stats.requests;
      return [
        {
          name: '4. importer, server throttles at 200/s, c=32',
          ...run,
          ceiling: '200 (throttle)',
          ratio,
          server: `${(share * 100).toFixed(1)}% of ${run.stats.requests} requests answered 429`,
          target: '≥ 90% of 200/s, ≤ 5% 429s',
          met: ratio >= 0.9 && share <= 0.05,
        },
      ];
    }),
  5: () =>
    withSandbox({ latencyMs: 0 }, async (sandbox) => {
      const run = await importRows(sandbox, SIZES.rate, { concurrency: 32, rate: 100 });
      return [
        {
          name: '5. importer --rate 100, 0 ms, c=32',
          ...run,
          ceiling: '100 (--rate)',
          ratio: run.rowsPerSecond / 100,
          server: `max ${run.stats.maxPerSecond} Add Lead requests in any 1 s window`,
          target: 'never > 100 in 1 s',
          met: run.stats.maxPerSecond <= 100,
        },
      ];
    }),
};

function table(rows) {
  const head = [
    'case',
    'rows',
    'rows/s',
    'ceiling (rows/s)',
    'ratio',
    'CPU s / 10k rows',
    'sandbox CPU s / 10k',
    'peak RSS',
    'server side',
    'load (1/5/15 min)',
    'target',
    'met',
  ];
  const lines = [head, head.map(() => '---')];
  for (const r of rows) {
    lines.push([
      r.name,
      r.rows.toLocaleString('en-US'),
      Math.round(r.rowsPerSecond).toLocaleString('en-US'),
      r.ceiling,
      r.ratio === undefined ? '—' : `${(r.ratio * 100).toFixed(1)}%`,
      r.cpuPer10k.toFixed(2),
      r.serverCpuPer10k.toFixed(2),
      `${r.peakRssMb.toFixed(0)} MB`,
      r.server || '—',
      r.load,
      r.target,
      r.met === undefined ? '—' : r.met ? 'yes' : '**no**',
    ]);
  }
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

if (!fs.existsSync(path.join(ROOT, 'dist/bin.js')))
  throw new Error('dist/bin.js is missing: run `npm run build` first');
const wanted = values.case ?? Object.keys(CASES);
for (const name of wanted)
  if (!(name in CASES)) throw new Error(`--case ${name}: expected one of ${Object.keys(CASES).join(', ')}`);
const removeSnapshot = snapshotDist();
/** Synchronous, so that it also runs on 'exit' after an uncaught error (such as EPIPE on a closed pipe). */
const cleanUp = () => {
  killRunning();
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
