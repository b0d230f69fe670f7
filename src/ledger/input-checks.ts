import type { LeadInRun, PulledLead } from './types.js';

/**
 * Checks of what the pipeline passes, before a write is queued: a bad value would otherwise fail inside a
 * shared transaction, far from its cause. These are mistakes in the calling code, so they throw TypeError.
 * Both backends check the same arguments of each method with these, so that they refuse alike.
 */
export function checkLeadInRun(lead: LeadInRun): void {
  checkText('outbound', lead.outbound);
  checkKey(lead);
  checkText('source', lead.source);
  checkRunId(lead.runId);
}

/** The arguments of `markCreated`. */
export function checkCreated(
  lead: LeadInRun,
  outcome: { readonly leadId: string; readonly bodyHash: string },
): void {
  checkLeadInRun(lead);
  checkText('leadId', outcome.leadId);
  checkText('bodyHash', outcome.bodyHash);
}

/** The arguments of `markUpdated`. */
export function checkUpdated(lead: LeadInRun, outcome: { readonly bodyHash: string }): void {
  checkLeadInRun(lead);
  checkText('bodyHash', outcome.bodyHash);
}

/** The arguments of `recordPulled`. */
export function checkPulled(outbound: string, leads: readonly PulledLead[]): void {
  checkText('outbound', outbound);
  for (const lead of leads) {
    checkKey(lead);
    checkText('leadId', lead.leadId);
  }
}

/** The states `setState` may set: the others are the pipeline's own. */
const SETTABLE_STATES = ['completed', 'removing', 'removed', 'created'] as const;
export type SettableState = (typeof SETTABLE_STATES)[number];

export function checkSettableState(state: unknown): void {
  if (!(SETTABLE_STATES as readonly unknown[]).includes(state)) {
    throw new TypeError(`setState cannot set state ${String(state)}`);
  }
}

export function checkRunId(runId: number): void {
  if (!Number.isSafeInteger(runId) || runId < 1) {
    throw new TypeError(`a run id is a positive integer; got ${String(runId)}`);
  }
}

/** `finishRun` of a run id the ledger never gave out: the right type, so a RangeError. */
export function unknownRunError(location: string, id: number): RangeError {
  return new RangeError(`the ledger ${location} has no run ${id}`);
}

export function checkText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string; got ${JSON.stringify(value) ?? String(value)}`);
  }
}

function checkKey(lead: { key: string; keyKind: string; phone: string }): void {
  checkText('key', lead.key);
  checkText('phone', lead.phone);
  if (lead.keyKind !== 'externalId' && lead.keyKind !== 'phone') {
    throw new TypeError(`keyKind must be 'externalId' or 'phone'; got ${JSON.stringify(lead.keyKind)}`);
  }
}
