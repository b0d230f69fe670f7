import type { Argv, CommandModule } from 'yargs';
import { TOKEN_NOTE, withApiFlags } from './api-flags.js';
import type { CliIo } from './io.js';
import type { Redactor } from './secrets.js';
import type { ApiFlags } from './api-session.js';

const OUTBOUND = '66a1f0c2e4b0';

const UNDO_EXIT_CODES = `Exit codes:
  0  done, or nothing left to undo (leads kept because they were called are no failure)
  2  usage or configuration error, or the token or outbound refused; nothing was removed
  3  stopped part-way (interrupted, the API gone): run the same undo again`;

/** The flags of `undo`, as yargs hands them over (camel-cased). */
export interface UndoFlags extends ApiFlags {
  readonly run: string;
  readonly outbound?: string;
  /** `--no-ledger` gives false. */
  readonly ledger?: string | false;
  readonly includeCalled?: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly concurrency?: number;
  readonly _?: readonly (string | number)[];
}

/** The default number of Get Lead requests at once: enough to keep a batch of 50 moving, gentle on the API. */
export const UNDO_CONCURRENCY = 8;

/**
 * `nlpearl-leads undo <run | results.csv> --outbound ID`: its flags, declared here with yargs (the import options
 * table is for import, validate and retry). What it does is in undo-run.ts, loaded when it runs.
 */
export function undoCommand(context: {
  readonly io: CliIo;
  readonly redactor: Redactor;
  readonly setExitCode: (code: number) => void;
}): CommandModule {
  return {
    command: 'undo <run>',
    describe:
      'remove from the campaign the leads a run created (a run id from ledger runs, or its results file)',
    builder: (y: Argv) =>
      withApiFlags(
        y
          .positional('run', {
            type: 'string',
            describe: 'the run id (nlpearl-leads ledger runs), or the results file the run wrote',
          })
          .option('outbound', {
            type: 'string',
            describe: 'the outbound campaign the run sent to (a check: it must be the run’s)',
            defaultDescription: 'NLPEARL_OUTBOUND_ID',
            requiresArg: true,
          })
          .option('ledger', {
            type: 'string',
            describe: 'the ledger the run was recorded in: a SQLite file (or postgres:// URL)',
            defaultDescription: 'NLPEARL_LEDGER, else $XDG_STATE_HOME/nlpearl-leads/ledger.sqlite',
            requiresArg: true,
          })
          .option('include-called', {
            type: 'boolean',
            describe: 'remove leads that were called already too (never one queued or on a call)',
          })
          .option('dry-run', {
            type: 'boolean',
            describe: 'check every lead and tell what undo would do; change nothing',
          })
          .option('yes', {
            alias: 'y',
            type: 'boolean',
            describe: 'do not ask (needed when not at a terminal)',
          })
          .option('rate', { type: 'number', describe: 'at most this many requests per second' })
          .option('concurrency', {
            type: 'number',
            describe: 'Get Lead requests at once',
            default: UNDO_CONCURRENCY,
          }),
      )
        .example([
          [`$0 ledger runs --outbound ${OUTBOUND}`, 'find the run'],
          [`$0 undo 12 --outbound ${OUTBOUND} --dry-run`, 'what undo would remove, and what it keeps'],
          [`$0 undo leads.results.csv --outbound ${OUTBOUND} --yes`, 'from a job: no question'],
        ])
        .epilogue(
          'Only leads not called yet (status New) are removed unless --include-called. Each lead is read\n' +
            '(Get Lead) just before it is deleted; run undo again after a stop: it removes the rest, once.\n\n' +
            `${TOKEN_NOTE}\n\n${UNDO_EXIT_CODES}`,
        ),
    handler: async (flags: unknown) => {
      const { runUndo } = await import('./undo-run.js');
      context.setExitCode(await runUndo(flags as UndoFlags, context.io, context.redactor));
    },
  };
}
