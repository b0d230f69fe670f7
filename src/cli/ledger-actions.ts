import fs from 'node:fs';
import type { LogLevel } from '../config.js';
import { UsageError } from '../errors.js';
import { resolveLedgerLocation, type LedgerLocation } from '../ledger/location.js';
import { openLedger } from '../ledger/open-ledger.js';
import type { Ledger } from '../ledger/types.js';
import { askYesNo, canAsk } from './ask.js';
import type { CliIo } from './io.js';
import { exportLedger } from './ledger-export.js';
import { formatDescription, formatRuns } from './ledger-format.js';
import type { Redactor } from './secrets.js';
import { thisProcess } from '../ledger/lock-policy.js';

export type LedgerSubcommand = 'show' | 'runs' | 'export' | 'pull' | 'forget';

/** The flags of `ledger …`, as yargs hands them over (camel-cased). */
export interface LedgerFlags {
  /** `--no-ledger` gives false. */
  readonly ledger?: string | false;
  readonly outbound?: string;
  readonly limit?: number;
  readonly output?: string;
  readonly yes?: boolean;
  readonly apiUrl?: string;
  readonly tokenFile?: string;
  readonly logLevel?: LogLevel;
  readonly _?: readonly (string | number)[];
}

type Env = CliIo['env'];

/**
 * Runs one `ledger` subcommand and returns its exit status. Every problem that stops it is thrown as an
 * NlpearlLeadsError (main prints its one line); the ledger is closed on every way out.
 */
export async function runLedgerCommand(
  subcommand: LedgerSubcommand,
  flags: LedgerFlags,
  io: CliIo,
  redactor: Redactor,
): Promise<number> {
  const extra = (flags._ ?? []).slice(2);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const location = ledgerLocation(flags.ledger, io.env);
  // runs takes --outbound as a filter; export, pull and forget require it (yargs says so when it is missing).
  const outbound = flags.outbound === undefined ? undefined : outboundOf(flags.outbound);
  if (subcommand === 'pull') {
    // Pulling into a ledger that does not exist yet creates it: that is how a new machine starts from a campaign.
    const { pullNow } = await import('./ledger-pull.js');
    return pullNow(location, outboundOf(flags.outbound), flags, io, redactor);
  }
  const limit = subcommand === 'runs' ? limitOf(flags.limit) : undefined;
  const ledger = await openExisting(location, io);
  try {
    switch (subcommand) {
      case 'show':
        io.stdout.write(formatDescription(await ledger.describe()));
        return 0;
      case 'runs':
        io.stdout.write(formatRuns(await ledger.listRuns({ outbound, limit })));
        return 0;
      case 'export':
        return await exportLedger(ledger, outboundOf(flags.outbound), flags.output, io);
      case 'forget':
        return await forget(ledger, outboundOf(flags.outbound), flags.yes === true, io);
    }
  } finally {
    await ledger.close();
  }
}

/**
 * The ledger the command reads: `--ledger`, else NLPEARL_LEDGER, else the default file, from the CLI's own
 * environment. `off` (or `--no-ledger`) is refused: these commands have nothing to do without one.
 */
export function ledgerLocation(flag: string | false | undefined, env: Env): LedgerLocation {
  const isOff = (value: string | undefined) => value?.trim().toLowerCase() === 'off';
  if (flag === false || isOff(flag)) {
    throw new UsageError('the ledger commands need a ledger: give --ledger FILE, not off', 'USAGE');
  }
  if ((flag === undefined || flag.trim() === '') && isOff(env.NLPEARL_LEDGER)) {
    throw new UsageError(
      'NLPEARL_LEDGER is off, and the ledger commands need a ledger: give --ledger FILE',
      'USAGE',
    );
  }
  const found = resolveLedgerLocation({ flag: flag === '' ? undefined : flag, env });
  if (!found.ok) throw new UsageError(found.issue, 'CONFIG');
  return found.location;
}

/** Opens a ledger that must already exist: reading one must not leave an empty ledger behind. */
export async function openExisting(location: LedgerLocation, io: CliIo): Promise<Ledger> {
  if (location.kind === 'sqlite' && !fs.existsSync(location.file)) {
    const from =
      location.origin === 'flag'
        ? ''
        : location.origin === 'env'
          ? ' (from NLPEARL_LEDGER)'
          : ' (the default place; --ledger FILE or NLPEARL_LEDGER names another)';
    throw new UsageError(`no ledger at ${location.display}${from}`, 'CONFIG');
  }
  return openLedger(location, { warn: (message) => io.stderr.write(`nlpearl-leads: ${message}\n`) });
}

function outboundOf(value: string | undefined): string {
  const outbound = value?.trim() ?? '';
  if (outbound === '') throw new UsageError('--outbound needs an outbound campaign id', 'USAGE');
  return outbound;
}

function limitOf(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError('--limit expects a whole number of runs, 1 or more', 'USAGE');
  }
  return value;
}

/**
 * Forgets the outbound's entries, holding its lock meanwhile so that no run is writing them. At a terminal it
 * asks first; elsewhere (a job, a pipe) nobody can answer, so it needs --yes.
 */
async function forget(ledger: Ledger, outbound: string, yes: boolean, io: CliIo): Promise<number> {
  const counts = await ledger.count(outbound);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  if (total === 0) {
    io.stderr.write(
      `nlpearl-leads: the ledger ${ledger.location} holds no lead of outbound ${outbound}: nothing to forget\n`,
    );
    return 0;
  }
  if (!yes) {
    if (!canAsk(io)) {
      throw new UsageError(
        `ledger forget asks before forgetting the ${total} leads of outbound ${outbound}, and cannot ask ` +
          'without a terminal: pass --yes',
        'USAGE',
      );
    }
    const confirmed = await askYesNo(
      io.stdin,
      io.stderr,
      `Forget the ${total} leads of outbound ${outbound} in the ledger ${ledger.location}? ` +
        'The campaign itself is not changed. [y/N] ',
    );
    if (!confirmed) {
      io.stderr.write('nlpearl-leads: nothing was forgotten\n');
      return 0;
    }
  }
  const lock = await ledger.acquireLock(outbound, thisProcess());
  let forgotten: number;
  try {
    forgotten = await ledger.forget(outbound);
  } finally {
    await lock.release();
  }
  io.stdout.write(
    `Forgot ${forgotten} leads of outbound ${outbound} in the ledger ${ledger.location}; its runs stay as ` +
      "history. The next import to it pulls the campaign's leads first.\n",
  );
  return 0;
}
