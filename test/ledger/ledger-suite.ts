import { afterEach, beforeEach, describe } from 'vitest';
import type { LedgerLocation } from '../../src/ledger/location.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import type { KeyKind, LeadInRun, Ledger, LedgerEntry, LedgerOptions } from '../../src/ledger/types.js';
import { absentAndPullTests } from './suite-absent-pull.js';
import { durabilityTests } from './suite-durability.js';
import { entryTests } from './suite-entries.js';
import { importTests } from './suite-import.js';
import { lockTests } from './suite-locks.js';
import { runTests } from './suite-runs.js';

/** What each part of the suite is given: the test's ledger, opened as often as it likes. */
export interface SuiteContext {
  /** This test's ledger location (fresh and empty at the start of each test). */
  location(): LedgerLocation;
  /** Opens another connection to it; every connection is closed after the test. */
  open(options?: Partial<LedgerOptions>): Promise<Ledger>;
  /** What `warn` was told, by every connection of this test. */
  readonly warnings: string[];
}

/**
 * The behaviour every ledger backend must have, run against one backend: `sqlite-ledger.test.ts` runs it on a
 * file, a PostgreSQL backend runs it on a database. The suite opens ledgers only through `openLedger`, so a
 * child process (the crash test) can open the same ledger from the same location.
 * @param newLocation a fresh, empty ledger for one test (a database server's backend may create it first)
 */
export function describeLedger(
  name: string,
  newLocation: () => LedgerLocation | Promise<LedgerLocation>,
): void {
  describe(`ledger: ${name}`, () => {
    let location: LedgerLocation | undefined;
    let opened: Ledger[] = [];
    const warnings: string[] = [];
    const context: SuiteContext = {
      location: () => {
        if (location === undefined) throw new Error('the ledger suite has no location outside a test');
        return location;
      },
      async open(options = {}) {
        const ledger = await openLedger(context.location(), {
          warn: (message) => warnings.push(message),
          ...options,
        });
        opened.push(ledger);
        return ledger;
      },
      warnings,
    };
    beforeEach(async () => {
      location = await newLocation();
      warnings.length = 0;
    });
    afterEach(async () => {
      await Promise.all(opened.map((ledger) => ledger.close()));
      opened = [];
    });

    entryTests(context);
    absentAndPullTests(context);
    runTests(context);
    lockTests(context);
    durabilityTests(context);
    importTests(context);
  });
}

/** A lead of a run, with the values the tests don't care about filled in. */
export function leadInRun(key: string, runId: number, overrides: Partial<LeadInRun> = {}): LeadInRun {
  const keyKind: KeyKind = overrides.keyKind ?? 'externalId';
  return {
    outbound: 'outbound-1',
    key,
    keyKind,
    phone: keyKind === 'phone' ? key : `+1212555${String(hashCode(key) % 10_000).padStart(4, '0')}`,
    source: '/data/leads.csv',
    runId,
    ...overrides,
  };
}

/** Every entry an async iterable gives, in order. */
export async function collect(entries: AsyncIterable<LedgerEntry>): Promise<LedgerEntry[]> {
  const all: LedgerEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

/** Starts an import run of the default outbound and source. */
export function startImport(
  ledger: Ledger,
  outbound = 'outbound-1',
  source = '/data/leads.csv',
): Promise<number> {
  return ledger.startRun({ command: 'import', outbound, source, inputPath: source, inputSize: 1234 });
}

function hashCode(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}
