import type { LeadInRun, PulledLead } from './types.js';

/**
 * Checks of what the pipeline passes, before a write is queued: a bad value would otherwise fail inside a
 * shared transaction, far from its cause. These are mistakes in the calling code, so they throw TypeError.
 */
export function checkLeadInRun(lead: LeadInRun): void {
  checkText('outbound', lead.outbound);
  checkKey(lead);
  checkText('source', lead.source);
  checkRunId(lead.runId);
}

export function checkPulledLead(lead: PulledLead): void {
  checkKey(lead);
  checkText('leadId', lead.leadId);
}

export function checkRunId(runId: number): void {
  if (!Number.isSafeInteger(runId) || runId < 1) {
    throw new TypeError(`a run id is a positive integer; got ${String(runId)}`);
  }
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
