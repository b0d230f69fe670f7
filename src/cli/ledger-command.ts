import type { Argv, CommandModule } from 'yargs';
import { TOKEN_NOTE, withApiFlags } from './api-flags.js';
import type { LedgerFlags, LedgerSubcommand } from './ledger-actions.js';
import type { CliIo } from './io.js';
import { ledgerCopyCommand } from './ledger-copy.js';
import type { Redactor } from './secrets.js';

/*
 * `nlpearl-leads ledger show|runs|export|pull|forget`: the flags of each, declared here with yargs (the import
 * options table is for import, validate and retry). What each does is in ledger-actions.ts, loaded when the
 * command runs, so --help stays quick.
 */

const OUTBOUND = '66a1f0c2e4b0';

export interface LedgerCommandContext {
  readonly io: CliIo;
  readonly redactor: Redactor;
  /** main's exit code: the subcommand's status once it is done. */
  readonly setExitCode: (code: number) => void;
}

export function ledgerCommand(context: LedgerCommandContext): CommandModule {
  const run = (subcommand: LedgerSubcommand) => async (flags: unknown) => {
    const { runLedgerCommand } = await import('./ledger-actions.js');
    context.setExitCode(
      await runLedgerCommand(subcommand, flags as LedgerFlags, context.io, context.redactor),
    );
  };
  return {
    command: 'ledger',
    describe:
      'see the lead ledger (show, runs, export), pull a campaign into it, forget an outbound, or copy it',
    builder: (y: Argv) =>
      y
        .option('ledger', {
          type: 'string',
          describe: 'the ledger: a SQLite file (or postgres:// URL)',
          defaultDescription: 'NLPEARL_LEDGER, else $XDG_STATE_HOME/nlpearl-leads/ledger.sqlite',
          requiresArg: true,
        })
        .command(
          'show',
          'where the ledger is, its outbounds with counts by state, recent runs, locks',
          {},
          run('show'),
        )
        .command(
          'runs',
          'the runs, newest first: id, times, outbound, counts, input',
          (sub) =>
            sub
              .option('outbound', {
                type: 'string',
                describe: 'only the runs of this outbound',
                requiresArg: true,
              })
              .option('limit', { type: 'number', describe: 'at most this many runs', default: 20 }),
          run('runs'),
        )
        .command(
          'export',
          "the outbound's entries as CSV: key, keyKind, phone, leadId, state, source, createdRun, firstRun, lastRun",
          (sub) =>
            withOutbound(sub).option('output', {
              alias: 'o',
              type: 'string',
              describe: 'write the CSV to this file (created readable by its owner only)',
              defaultDescription: 'standard output',
              requiresArg: true,
            }),
          run('export'),
        )
        .command(
          'pull',
          "page through the campaign's leads and record them in the ledger now (needs the token)",
          (sub) => withApiFlags(withOutbound(sub)).epilogue(TOKEN_NOTE),
          run('pull'),
        )
        .command(
          'forget',
          "forget the outbound's entries (its runs stay); asks first, or needs --yes off a terminal",
          (sub) =>
            withOutbound(sub).option('yes', {
              alias: 'y',
              type: 'boolean',
              describe: 'do not ask (needed when not at a terminal)',
            }),
          run('forget'),
        )
        .command(ledgerCopyCommand(context))
        .demandCommand(1, 'name a ledger command: show, runs, export, pull, forget or copy')
        .example([
          ['$0 ledger show', ''],
          [`$0 ledger runs --outbound ${OUTBOUND} --limit 5`, ''],
          [`$0 ledger export --outbound ${OUTBOUND} -o ledger.csv`, ''],
          [`$0 ledger pull --outbound ${OUTBOUND} --token-file /run/secrets/nlpearl`, ''],
          [`$0 ledger forget --outbound ${OUTBOUND} --yes`, ''],
        ]),
    handler: () => undefined,
  };
}

function withOutbound(y: Argv): Argv {
  return y.option('outbound', {
    type: 'string',
    describe: 'the outbound campaign id',
    demandOption: true,
    requiresArg: true,
  });
}
