import { Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { SecretRedactor } from '../redact.js';
import { readTextFile } from './read-text-file.js';
import type { OutputStream } from './io.js';

/**
 * The last lock on the door: every byte the CLI writes (stdout, stderr, the log file) passes through `redact`,
 * which replaces the token and its secret half wherever they appear, whatever put them there (a logged error
 * object, a server echoing a header, a stack trace).
 */
export class Redactor extends SecretRedactor {
  /** A redactor that already knows every secret the environment holds. */
  static fromEnv(env: Readonly<Record<string, string | undefined>>): Redactor {
    const redactor = new Redactor();
    redactor.addToken(env.NLPEARL_API_TOKEN);
    redactor.add(env.NLPEARL_SECRET_KEY);
    return redactor;
  }

  /** A stream that writes to `target` what is written to it, redacted, keeping its TTY facts. */
  wrap(target: OutputStream): OutputStream {
    return new RedactingStream(target, this);
  }
}

class RedactingStream extends Writable {
  readonly isTTY: boolean | undefined;
  readonly fd: number | undefined;
  readonly #target: OutputStream;

  constructor(target: OutputStream, redactor: Redactor) {
    super({
      decodeStrings: false,
      write: (chunk: string | Uint8Array, _encoding, done) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        if (target.write(redactor.redact(text))) done();
        else target.once('drain', () => done());
      },
    });
    this.#target = target;
    this.isTTY = target.isTTY;
    this.fd = target.fd;
  }

  get columns(): number | undefined {
    return this.#target.columns;
  }
}

/** Where the token came from, for messages (never the token itself). */
export interface ResolvedToken {
  readonly token: string | undefined;
  readonly source: string;
}

/**
 * The token, from the first source that has one: `--token-file`, then `NLPEARL_API_TOKEN`, then
 * `NLPEARL_ACCOUNT_ID` with `NLPEARL_SECRET_KEY`, then the config file's `tokenFile`. Never from a plain flag:
 * a flag's value is visible to every user of the machine in `ps` and lands in shell history.
 */
export function resolveToken(
  sources: {
    readonly tokenFileFlag?: string | undefined;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly tokenFileFromConfig?: string | undefined;
  },
  redactor: Redactor,
): ResolvedToken {
  const { env } = sources;
  if (sources.tokenFileFlag !== undefined)
    return readTokenFile(sources.tokenFileFlag, '--token-file', redactor);
  if (nonEmpty(env.NLPEARL_API_TOKEN)) {
    return { token: env.NLPEARL_API_TOKEN.trim(), source: 'NLPEARL_API_TOKEN' };
  }
  const accountId = env.NLPEARL_ACCOUNT_ID;
  const secretKey = env.NLPEARL_SECRET_KEY;
  if (nonEmpty(accountId) || nonEmpty(secretKey)) {
    if (!nonEmpty(accountId) || !nonEmpty(secretKey)) {
      const [set, unset] = nonEmpty(accountId)
        ? ['NLPEARL_ACCOUNT_ID', 'NLPEARL_SECRET_KEY']
        : ['NLPEARL_SECRET_KEY', 'NLPEARL_ACCOUNT_ID'];
      throw new UsageError(
        `${set} is set but ${unset} is not: set both (from the platform's Settings → API page), or NLPEARL_API_TOKEN`,
        'TOKEN_MISSING',
      );
    }
    const token = `${accountId.trim()}:${secretKey.trim()}`;
    redactor.addToken(token);
    return { token, source: 'NLPEARL_ACCOUNT_ID and NLPEARL_SECRET_KEY' };
  }
  if (sources.tokenFileFromConfig !== undefined) {
    return readTokenFile(sources.tokenFileFromConfig, 'tokenFile in the config file', redactor);
  }
  return { token: undefined, source: 'nowhere' };
}

/** Reads a token file, trimmed. Messages name the file, never its content. */
export function readTokenFile(file: string, via: string, redactor: Redactor): ResolvedToken {
  const token = readTextFile(file, `the token file ${file} (${via})`, 'TOKEN_MISSING').trim();
  if (token === '') throw new UsageError(`the token file ${file} (${via}) is empty`, 'TOKEN_MISSING');
  redactor.addToken(token);
  return { token, source: `the token file ${file}` };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
