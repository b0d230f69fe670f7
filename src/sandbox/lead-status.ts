/**
 * NLPearl's v1 lead statuses, as documented: the integers the API takes and answers (v2 adds 220 Blacklisted,
 * which v1 does not know). A lead's status is that of its last conversation.
 */
export const LEAD_STATUSES = {
  New: 1,
  NeedRetry: 10,
  InCallQueue: 20,
  WrongCountryCode: 30,
  OnCall: 40,
  VoiceMailLeft: 70,
  Success: 100,
  NotSuccessfull: 110,
  Complete: 130,
  Unreachable: 150,
  Error: 500,
} as const;

export type LeadStatusName = keyof typeof LEAD_STATUSES;
export type LeadStatus = (typeof LEAD_STATUSES)[LeadStatusName];

const VALUES: ReadonlySet<unknown> = new Set(Object.values(LEAD_STATUSES));

export function isLeadStatus(value: unknown): value is LeadStatus {
  return VALUES.has(value);
}
