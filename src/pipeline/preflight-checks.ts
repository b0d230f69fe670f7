import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

const PLACEHOLDERS = /^<?(account_?id|accountid)?>?:<?(secret_?key|secretkey|token)?>?$|^<?token>?$/i;

/**
 * The token is NLPearl's `AccountId:SecretKey`. Sending only the secret, or the docs' placeholder, gets a 401
 * from the API; saying so before anything is sent is kinder. The messages never echo the token itself.
 */
export function checkToken(token: string | undefined): string {
  const hint = 'set NLPEARL_API_TOKEN to "AccountId:SecretKey" from the platform\'s Settings → API page';
  if (token === undefined || token.trim() === '') {
    throw new UsageError(`no API token: ${hint}`, 'TOKEN_MISSING');
  }
  const value = token.trim();
  if (PLACEHOLDERS.test(value)) {
    throw new UsageError(
      `the API token is still the documentation's placeholder: ${hint}`,
      'TOKEN_MALFORMED',
    );
  }
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1 || /\s/.test(value)) {
    throw new UsageError(
      `the API token does not have the form AccountId:SecretKey (two parts joined by a colon): ${hint}`,
      'TOKEN_MALFORMED',
    );
  }
  return value;
}

/** https only, except loopback (the sandbox): the token must not cross a network in clear text. */
export function checkApiUrl(apiUrl: string): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch (error) {
    throw new UsageError(`--api-url "${apiUrl}" is not a URL`, 'CONFIG', { cause: error });
  }
  const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return apiUrl;
  throw new UsageError(
    `--api-url must use https (plain http is allowed only for 127.0.0.1 or localhost): got ${url.protocol}//${url.host}`,
    'CONFIG',
  );
}

/** `leads.csv` → `leads.results.csv`, beside the input. */
export function defaultResultsPath(input: string): string {
  const parsed = path.parse(input);
  const stem = /^\.(csv|tsv|txt)$/i.test(parsed.ext) ? parsed.name : parsed.base;
  return path.join(parsed.dir, `${stem}.results.csv`);
}

export type ResultsMode = 'create' | 'replace' | 'append';

/** An existing results file is never silently replaced: the user chooses --resume or --overwrite. */
export function resultsMode(
  results: string,
  choice: { resume: boolean; overwrite: boolean; input: string },
): ResultsMode {
  if (path.resolve(results) === path.resolve(choice.input)) {
    throw new UsageError(
      `the results file would overwrite the input ${choice.input}; pass --results <file>`,
      'RESULTS_EXISTS',
    );
  }
  const exists = fs.existsSync(results);
  if (choice.resume) return exists ? 'append' : 'create';
  if (!exists) return 'create';
  if (choice.overwrite) return 'replace';
  throw new UsageError(
    `${results} already exists: pass --resume to continue it, --overwrite to replace it, or --results <file> to write elsewhere`,
    'RESULTS_EXISTS',
  );
}
