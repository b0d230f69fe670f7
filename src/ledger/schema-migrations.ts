import { LedgerError } from './errors.js';

/**
 * One step of a ledger's schema, for either backend. A migration is never edited once released: a change is a
 * new migration at the end.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** The version a ledger is at once every one of `migrations` is applied. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

/**
 * Refuses a ledger at a version above `latest`, which a newer nlpearl-leads wrote: this one cannot know what its
 * tables mean. `elsewhere` is what else --ledger can point at (another file, another database).
 */
export function refuseNewer(
  version: number,
  latest: number,
  location: string,
  elsewhere: 'file' | 'database',
): void {
  if (version <= latest) return;
  throw new LedgerError(
    `the ledger ${location} has schema version ${version}, newer than this nlpearl-leads knows (${latest}): a ` +
      `newer nlpearl-leads wrote it. Upgrade nlpearl-leads (npm install -g nlpearl-leads@latest), or point ` +
      `--ledger at another ${elsewhere}.`,
    'LEDGER_NEWER_SCHEMA',
  );
}
