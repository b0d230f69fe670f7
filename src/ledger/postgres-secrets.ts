/**
 * The passwords that postgres:// URLs in `text` hold (a flag's value, `--ledger=…`, NLPEARL_LEDGER, a config
 * value), as typed and decoded, for the CLI's redactor: every byte the CLI writes is cleaned of them, whatever
 * wrote it. The ledger's own messages never hold one (they name it by location.display).
 */
export function postgresSecrets(text: string | undefined): string[] {
  if (text === undefined) return [];
  const secrets: string[] = [];
  for (const [value] of text.matchAll(/postgres(?:ql)?:\/\/\S+/gi)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    // As the URL holds them, percent-encoded (searchParams would decode the query's), then decoded.
    const query = [...url.search.matchAll(/[?&]password=([^&]*)/gi)].map((match) => match[1] ?? '');
    const typed = [url.password, ...query];
    for (const secret of typed.filter((s) => s !== '')) {
      secrets.push(secret);
      try {
        secrets.push(decodeURIComponent(secret));
      } catch {
        // Not percent-encoded after all: as typed is what can appear.
      }
    }
  }
  return [...new Set(secrets)];
}
