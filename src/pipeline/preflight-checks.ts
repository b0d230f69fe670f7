import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** A half of the token that is documentation, not a credential ("AccountId", "<SecretKey>", "xxxx", "…"). */
const PLACEHOLDER_HALF =
  /^(your)?(account(id)?|id|secret(key)?|key|api(key|token)?|token|bearer|changeme|placeholder)?$|^(x+|\.+|…+|\*+)$/;
const TOKEN_HINT =
  'set NLPEARL_API_TOKEN (or pass --token-file <file>) to "AccountId:SecretKey" from the platform\'s Settings → API page';

/**
 * The token is NLPearl's `AccountId:SecretKey`. Sending only the secret, or the docs' placeholder, gets a 401
 * from the API; saying so before anything is sent is kinder. `source` says where the token came from
 * ("NLPEARL_API_TOKEN", "the token file /run/secrets/nlpearl"). The messages never echo the token itself.
 */
export function checkToken(token: string | undefined, source?: string): string {
  const from = source === undefined ? '' : ` (it came from ${source})`;
  const refuse = (problem: string) => new UsageError(`${problem}${from}: ${TOKEN_HINT}`, 'TOKEN_MALFORMED');
  if (token === undefined || token.trim() === '') {
    throw new UsageError(`no API token: ${TOKEN_HINT}`, 'TOKEN_MISSING');
  }
  const value = token.trim();
  if (/^bearer\s/i.test(value)) {
    throw refuse(
      'the API token starts with "Bearer ": give only AccountId:SecretKey, the header adds Bearer',
    );
  }
  if (/^["'`].*["'`]$/s.test(value)) throw refuse('the API token is wrapped in quotes: remove them');
  if (/^(\$\{?[A-Za-z_]|%[A-Za-z_]\w*%$)/.test(value)) {
    throw refuse('the API token looks like a variable name that was never expanded');
  }
  const colon = value.indexOf(':');
  const halves = colon < 0 ? [value] : [value.slice(0, colon), value.slice(colon + 1)];
  const placeholder = (half: string) =>
    PLACEHOLDER_HALF.test(half.toLowerCase().replace(/[<>{}[\]()_\-\s]/g, ''));
  if (halves.some((half) => half !== '' && placeholder(half))) {
    throw refuse("the API token is still the documentation's placeholder");
  }
  if (colon <= 0 || colon === value.length - 1) {
    throw refuse('the API token does not have the form AccountId:SecretKey (two parts joined by a colon)');
  }
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw refuse(
      'the API token holds spaces, line breaks or characters outside printable ASCII; a token has none',
    );
  }
  return value;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** https only, except loopback (the sandbox): the token must not cross a network in clear text. */
export function checkApiUrl(apiUrl: string): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch (error) {
    throw new UsageError(`--api-url "${apiUrl}" is not a URL`, 'CONFIG', { cause: error });
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(
      '--api-url must not hold a user name or password: the token goes in NLPEARL_API_TOKEN or --token-file',
      'CONFIG',
    );
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname))) return apiUrl;
  throw new UsageError(
    `--api-url must use https (plain http is allowed only for 127.0.0.1, [::1] or localhost): got ${url.protocol}//${url.host}`,
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
