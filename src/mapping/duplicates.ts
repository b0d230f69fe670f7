import type { LeadBody } from '../types.js';
import { SeenKeys } from './seen-keys.js';

/**
 * Finds rows that would call the same person twice: the same normalised phone number, or the same externalId,
 * as an earlier row of the run. NLPearl does not document rejecting duplicates, so we must.
 */
export class DuplicateFinder {
  readonly #phones = new SeenKeys();
  readonly #externalIds = new SeenKeys();

  /** Registers the lead's keys; returns a reason when an earlier row had one of them. */
  check(body: LeadBody, row: number): string | undefined {
    const byPhone = this.#phones.firstRowOf(body.phoneNumber, row);
    const byExternalId =
      body.externalId === undefined ? undefined : this.#externalIds.firstRowOf(body.externalId, row);
    if (byExternalId !== undefined) return `duplicate of row ${byExternalId} (same externalId)`;
    if (byPhone !== undefined) return `duplicate of row ${byPhone} (same phone number)`;
    return undefined;
  }
}
