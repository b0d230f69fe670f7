import { UsageError } from '../errors.js';

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
