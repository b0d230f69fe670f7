import type { LeadBody } from '../types.js';
import { SeenKeys } from './seen-keys.js';

/**
 * Finds rows that would call the same person twice: the same normalised phone number, or the same externalId,
 * as an earlier row of the run. NLPearl does not document rejecting duplicates, so we must. Only rows that go
 * on (are sent, or valid in a dry run) are remembered: a skipped row leaves no trace, so a later row that shares
 * only the skipped row's other key is still sent, as no lead with that key was.
 */
export class DuplicateFinder {
  readonly #phones = new SeenKeys();
  readonly #externalIds = new SeenKeys();

  /** Returns why the lead repeats an earlier row, or registers its keys under `row` and returns undefined. */
  check(body: LeadBody, row: number): string | undefined {
    const { phoneNumber, externalId } = body;
    if (externalId !== undefined) {
      const first = this.#externalIds.rowOf(externalId);
      if (first !== undefined) return `duplicate of row ${first} (same externalId)`;
    }
    const byPhone = this.#phones.firstRowOf(phoneNumber, row);
    if (byPhone !== undefined) return `duplicate of row ${byPhone} (same phone number)`;
    if (externalId !== undefined) this.#externalIds.firstRowOf(externalId, row);
    return undefined;
  }
}
