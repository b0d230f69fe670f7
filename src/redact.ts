/** Shorter secrets are not searched for: replacing every "ab" in the output would garble it, not protect it. */
const MIN_SECRET_LENGTH = 4;
const CENSOR = '[redacted]';

/**
 * Knows the run's secrets and takes them out of any text: the API client on every message built from an answer
 * (a server may echo our Authorization header), the CLI on every byte it writes (src/cli/secrets.ts).
 */
export class SecretRedactor {
  #secrets: string[] = [];

  /** Adds `AccountId:SecretKey`: the whole token and the secret half alone (the account id is not secret). */
  addToken(token: string | undefined): void {
    if (token === undefined) return;
    const value = token.trim();
    this.add(value);
    const colon = value.indexOf(':');
    if (colon >= 0) this.add(value.slice(colon + 1));
  }

  add(secret: string | undefined): void {
    const value = secret?.trim();
    if (value === undefined || value.length < MIN_SECRET_LENGTH || this.#secrets.includes(value)) return;
    // Longest first, so the whole token is replaced before its secret half could split it.
    this.#secrets = [...this.#secrets, value].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.#secrets) {
      if (result.includes(secret)) result = result.split(secret).join(CENSOR);
    }
    return result;
  }
}
