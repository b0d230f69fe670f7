import type { CommandName, OptionTable } from './option-spec.js';

const ALL: readonly CommandName[] = ['import', 'validate', 'retry'];
const SENDING: readonly CommandName[] = ['import', 'retry'];

/**
 * The lead ledger's options: part of the import options table (import-options.ts), kept apart only so each
 * file reads in one sitting. Order matters as there: it is the order a printed retry command repeats them in.
 */
export const LEDGER_OPTIONS = {
  ledger: {
    type: 'path',
    off: true,
    help: 'the lead ledger: a SQLite file (or postgres:// URL); --no-ledger (or NLPEARL_LEDGER=off) runs without',
    defaultHelp: '$XDG_STATE_HOME/nlpearl-leads/ledger.sqlite',
    where: {
      commands: ALL,
      group: 'Ledger:',
      env: 'NLPEARL_LEDGER',
      file: true,
      library: true,
      retry: 'typed',
    },
  },
  source: {
    type: 'string',
    minLength: 1,
    help: 'the name of the export the rows come from, for absent leads (two files feeding one campaign)',
    defaultHelp: 'the input path',
    where: { commands: ALL, group: 'Ledger:', file: true, library: true, retry: 'typed' },
  },
  onChange: {
    type: 'choices',
    choices: ['update', 'skip'],
    default: 'update',
    help: 'a lead changed since it was sent: Update Lead, or report it only',
    where: { commands: SENDING, group: 'Ledger:', file: true, library: true, retry: 'typed' },
  },
  updateExisting: {
    type: 'boolean',
    default: false,
    help: 'send Update Lead to leads found in the campaign (their content is unknown)',
    where: { commands: SENDING, group: 'Ledger:', file: true, library: true, retry: 'typed' },
  },
  refresh: {
    type: 'boolean',
    default: false,
    help: "pull the campaign's leads into the ledger before sending",
    where: { commands: SENDING, group: 'Ledger:', file: true, library: true },
  },
  absent: {
    type: 'choices',
    choices: ['keep', 'complete', 'delete'],
    default: 'keep',
    help: 'leads this tool added from the same source that the input no longer holds: keep, complete or delete them',
    where: { commands: ['import'], group: 'Ledger:', file: true, library: true },
  },
  maxAbsent: {
    type: 'count-or-share',
    help: 'the most absent leads --absent may touch: n, or n% of the leads the ledger knows',
    defaultHelp: '10%',
    where: { commands: ['import'], group: 'Ledger:', file: true, library: true },
  },
} as const satisfies OptionTable;
