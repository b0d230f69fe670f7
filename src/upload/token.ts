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
