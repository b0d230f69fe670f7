import type { Argv } from 'yargs';
import { IMPORT_OPTIONS, LOG_LEVELS } from '../options/import-options.js';

/** Where the token comes from, for the --help of every command that talks to the API. */
export const TOKEN_NOTE = `The token ("AccountId:SecretKey", Settings → API) comes from NLPEARL_API_TOKEN, --token-file <file>,
or NLPEARL_ACCOUNT_ID with NLPEARL_SECRET_KEY; never from a flag of its own.`;

/**
 * The API flags of the commands outside the import options table (`ledger pull`, `undo`), worded as the
 * table words them for import.
 */
export function withApiFlags<T>(y: Argv<T>) {
  return y
    .option('api-url', {
      type: 'string',
      describe: IMPORT_OPTIONS.apiUrl.help,
      defaultDescription: `NLPEARL_API_URL, else ${IMPORT_OPTIONS.apiUrl.default}`,
      requiresArg: true,
    })
    .option('token-file', {
      type: 'string',
      describe: IMPORT_OPTIONS.tokenFile.help,
      requiresArg: true,
    })
    .option('log-level', {
      choices: LOG_LEVELS,
      describe: 'JSON lines on stderr, or readable lines at a terminal',
      default: 'info',
    });
}
