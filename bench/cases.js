import path from 'node:path';
// The cases of `npm run bench` (bench/run.js), each against its own sandbox process; see BENCHMARKS.md.
import { withPostgres } from './postgres.js';
import { peakRssKb } from './processes.js';

/**
 * @param {object} bench what bench/run.js provides: SIZES, importRows, plainLoop, withSandbox, tmp
 * @returns {Record<string, () => Promise<object[]>>} rows of the table per case
 */
export function benchCases({ SIZES, importRows, plainLoop, withSandbox, tmp }) {
  return {
    1: () =>
      withSandbox({ latencyMs: 0 }, async (sandbox) => {
        await plainLoop(sandbox, SIZES.warmUp, 32); // warms the sandbox's JIT, so neither measured run pays for it
        const importer = await importRows(sandbox, SIZES.own, { concurrency: 32 });
        await sandbox.reset();
        const loop = await plainLoop(sandbox, SIZES.own, 32);
        const ratio = importer.rowsPerSecond / loop.rowsPerSecond;
        const bare = await importRows(sandbox, SIZES.own, { concurrency: 32, ledger: 'off' });
        await sandbox.reset();
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
            name: '1. importer, 0 ms, c=32 (ledger on, the default)',
            ...importer,
            ceiling: `${Math.round(loop.rowsPerSecond)} (plain loop)`,
            ratio,
            server: `ledger ${(importer.ledgerBytes / 1e6).toFixed(1)} MB`,
            target: '≥ 85% of plain loop',
            met: ratio >= 0.85,
          },
          {
            name: '1. importer --no-ledger, 0 ms, c=32',
            ...bare,
            ceiling: `${Math.round(loop.rowsPerSecond)} (plain loop)`,
            ratio: bare.rowsPerSecond / loop.rowsPerSecond,
            server: '',
            target: 'for comparison',
            met: undefined,
          },
        ];
      }),
    2: () =>
      withSandbox({ latencyMs: 50 }, async (sandbox) => {
        const run = await importRows(sandbox, SIZES.latency, { concurrency: 50 });
        await sandbox.reset();
        // The same stack without the importer: how near got itself comes to C/L on this machine.
        const loop = await plainLoop(sandbox, SIZES.latency, 50);
        const ratio = run.rowsPerSecond / loop.rowsPerSecond;
        return [
          {
            name: '2. plain got + p-limit loop, 50 ms, c=50',
            ...loop,
            ceiling: '1000 (C/L)',
            ratio: loop.rowsPerSecond / 1000,
            server: '',
            target: 'reference',
            met: undefined,
          },
          {
            name: '2. importer, 50 ms, c=50',
            ...run,
            ceiling: `${Math.round(loop.rowsPerSecond)} (plain loop)`,
            ratio,
            server: `${((run.rowsPerSecond / 1000) * 100).toFixed(0)}% of C/L = 1000/s`,
            target: '≥ 95% of plain loop',
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
          // The last mark: every lead created, before the results file is compacted.
          for (const mark of [SIZES.small, SIZES.large / 2, SIZES.large])
            if (created >= mark && marks[mark] === undefined && hwm) marks[mark] = hwm / 1024;
        };
        const large = await importRows(sandbox, SIZES.large, { concurrency: 32, onTick });
        const growth = large.peakRssMb - small.peakRssMb;
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
            server: `RSS +${growth.toFixed(0)} MB vs ${SIZES.small / 1000}k run; in this run: ${inRun || 'n/a'}`,
            target: '≤ 256 MB and ≤ +64 MB',
            met: large.peakRssMb <= 256 && growth <= 64,
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
            target: '≥ 180 rows/s, ≤ 5% 429s',
            met: run.rowsPerSecond >= 180 && share <= 0.05,
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
    6: () =>
      withSandbox({ latencyMs: 0, keepLeads: true }, async (sandbox) => {
        // Night 1 fills the campaign and the ledger; night 2, the same export, must send nothing.
        const ledger = path.join(tmp, 'nightly-ledger.sqlite');
        await importRows(sandbox, SIZES.nightly, { concurrency: 32, ledger });
        const before = await sandbox.stats();
        const night = await importRows(sandbox, SIZES.nightly, { concurrency: 32, ledger, created: 0 });
        const sent = night.stats.requests - before.requests;
        const validate = await importRows(sandbox, SIZES.nightly, {
          command: 'validate',
          ledger: 'off',
          created: 0,
        });
        const ratio = night.wallS / validate.wallS;
        return [
          {
            name: `6. validate, ${SIZES.nightly / 1000}k rows`,
            ...validate,
            ceiling: '—',
            ratio: undefined,
            server: '',
            target: 'reference',
            met: undefined,
          },
          {
            name: `6. import, ${SIZES.nightly / 1000}k rows all unchanged (ledger), c=32`,
            ...night,
            ceiling: `${validate.wallS.toFixed(1)} s (validate)`,
            ratio,
            server: `${sent} requests (the pre-flight only: no Add or Update); ledger ${(night.ledgerBytes / 1e6).toFixed(1)} MB`,
            target: '≤ 1.5× validate, no Add or Update',
            met: ratio <= 1.5 && sent <= 1,
          },
        ];
      }),
    7: () =>
      withSandbox({ latencyMs: 0 }, (sandbox) =>
        withPostgres(async (pg) => {
          // The same rows with a new SQLite ledger, a new PostgreSQL one, and no importer at all (got alone).
          await plainLoop(sandbox, SIZES.warmUp, 32); // warms the sandbox's JIT, so no measured run pays for it
          const sqlite = await importRows(sandbox, SIZES.own, { concurrency: 32 });
          await sandbox.reset();
          const ledger = await pg.newLedger();
          const serverCpu = pg.cpuSeconds();
          const postgres = await importRows(sandbox, SIZES.own, { concurrency: 32, ledger });
          // The server's share of the machine: its CPU per 10k rows, as the sandbox's is counted.
          const pgCpuPer10k = ((pg.cpuSeconds() - serverCpu) / SIZES.own) * 10_000;
          await sandbox.reset();
          const loop = await plainLoop(sandbox, SIZES.own, 32);
          const ceiling = `${Math.round(loop.rowsPerSecond)} (plain loop)`;
          const ratio = (run) => run.rowsPerSecond / loop.rowsPerSecond;
          return [
            {
              name: '7. plain got + p-limit loop, 0 ms, c=32',
              ...loop,
              ceiling: '—',
              ratio: undefined,
              server: '',
              target: 'reference',
              met: undefined,
            },
            {
              name: '7. importer, SQLite ledger, 0 ms, c=32',
              ...sqlite,
              ceiling,
              ratio: ratio(sqlite),
              server: `ledger ${(sqlite.ledgerBytes / 1e6).toFixed(1)} MB`,
              target: 'for comparison',
              met: undefined,
            },
            {
              name: '7. importer, PostgreSQL ledger, 0 ms, c=32',
              ...postgres,
              ceiling,
              ratio: ratio(postgres),
              server: `PostgreSQL here (fsync on, Unix socket): ${pgCpuPer10k.toFixed(2)} CPU s / 10k rows`,
              target: '≥ 80% of plain loop',
              met: ratio(postgres) >= 0.8,
            },
          ];
        }),
      ),
  };
}
