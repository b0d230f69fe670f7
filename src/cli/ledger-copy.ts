import fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { resolveLedgerLocation, type LedgerLocation } from '../ledger/location.js';
import { openLedger } from '../ledger/open-ledger.js';
import type { Ledger, LedgerEntry, LedgerLock } from '../ledger/types.js';
import type { CliIo } from './io.js';
import type { LedgerCommandContext } from './ledger-command.js';
import { thisProcess } from '../ledger/lock-policy.js';

/** Entries written per transaction: one commit per thousand leads, and no copy held whole in memory. */
const CHUNK = 1_000;

export interface CopySummary {
  readonly outbounds: number;
  readonly runs: number;
  /** Entries written to the target. */
  readonly copied: number;
  /** Entries the target already held, left as they were. */
  readonly kept: number;
}

/**
 * Copies every run and entry of one ledger into another (SQLite into PostgreSQL, or back): the runs first, with
 * new ids in the target, then each outbound's entries with their runs renumbered to match. It holds every
 * outbound's lock in both ledgers meanwhile, so that no run changes either. The target keeps what it already
 * holds (an entry of the same outbound and key, a run of the same outbound, command and start), so a copy that
 * stopped part-way can simply be run again.
 */
export async function copyLedger(from: Ledger, to: Ledger): Promise<CopySummary> {
  const runs = (await from.listRuns({ limit: Number.MAX_SAFE_INTEGER })).reverse();
  const described = await from.describe();
  const outbounds = [
    ...new Set([...described.outbounds.map((o) => o.outbound), ...runs.map((r) => r.outbound)]),
  ];
  const holder = thisProcess();
  const locks: LedgerLock[] = [];
  try {
    for (const outbound of outbounds) {
      locks.push(await from.acquireLock(outbound, holder), await to.acquireLock(outbound, holder));
    }
    const added = await to.importRuns(runs);
    const ids = new Map(runs.map((run, index) => [run.id, added[index]]));
    const renumber = (id: number | undefined) => (id === undefined ? undefined : ids.get(id));
    let copied = 0;
    let seen = 0;
    let chunk: LedgerEntry[] = [];
    const flush = async () => {
      copied += await to.importEntries(chunk);
      chunk = [];
    };
    for (const outbound of outbounds) {
      for await (const entry of from.exportEntries(outbound)) {
        seen += 1;
        chunk.push({
          ...entry,
          createdRun: renumber(entry.createdRun),
          firstRun: renumber(entry.firstRun),
          lastRun: renumber(entry.lastRun),
        });
        if (chunk.length === CHUNK) await flush();
      }
    }
    await flush();
    return { outbounds: outbounds.length, runs: runs.length, copied, kept: seen - copied };
  } finally {
    for (const lock of locks) await lock.release();
  }
}

interface CopyFlags {
  readonly from?: string;
  readonly to?: string;
  readonly _?: readonly (string | number)[];
}

/** `nlpearl-leads ledger copy --from A --to B`; the exit status. */
export async function runLedgerCopy(flags: CopyFlags, io: CliIo): Promise<number> {
  const extra = (flags._ ?? []).slice(2);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const from = locationOf('--from', flags.from, io.env);
  const to = locationOf('--to', flags.to, io.env);
  if (from.display === to.display) throw new UsageError('--from and --to name the same ledger', 'USAGE');
  if (from.kind === 'sqlite' && !fs.existsSync(from.file)) {
    throw new UsageError(`no ledger at ${from.display} (--from)`, 'CONFIG');
  }
  const warn = (message: string) => io.stderr.write(`nlpearl-leads: ${message}\n`);
  const source = await openLedger(from, { warn });
  try {
    const target = await openLedger(to, { warn });
    try {
      const { outbounds, runs, copied, kept } = await copyLedger(source, target);
      io.stdout.write(
        `Copied ${runs} runs and ${copied} leads of ${outbounds} outbounds from the ledger ${from.display} to ` +
          `${to.display}${kept > 0 ? `; ${kept} leads it already held were left as they were` : ''}.\n`,
      );
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

function locationOf(flag: string, value: string | undefined, env: CliIo['env']): LedgerLocation {
  if (value === undefined || value.trim() === '' || value.trim().toLowerCase() === 'off') {
    throw new UsageError(`${flag} needs a ledger: a SQLite file or a postgres:// URL`, 'USAGE');
  }
  const found = resolveLedgerLocation({ flag: value, env });
  if (!found.ok) throw new UsageError(found.issue.replace('--ledger', flag), 'CONFIG');
  return found.location;
}

/** `ledger copy`, a subcommand of `ledger` (ledger-command.ts). */
export function ledgerCopyCommand(context: LedgerCommandContext): CommandModule {
  return {
    command: 'copy',
    describe: 'copy every run and lead of one ledger into another (a SQLite file into PostgreSQL, or back)',
    builder: (y: Argv) =>
      y
        .option('from', {
          type: 'string',
          describe: 'the ledger to copy: a SQLite file or a postgres:// URL',
          demandOption: true,
          requiresArg: true,
        })
        .option('to', {
          type: 'string',
          describe: 'the ledger to copy into (created when missing); what it holds is kept',
          demandOption: true,
          requiresArg: true,
        })
        .example([
          ['$0 ledger copy --from ~/.local/state/nlpearl-leads/ledger.sqlite --to "$NLPEARL_LEDGER"', ''],
        ]),
    handler: async (flags) => context.setExitCode(await runLedgerCopy(flags, context.io)),
  };
}
