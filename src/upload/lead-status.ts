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

const NAMES = new Map<unknown, LeadStatusName>(
  Object.entries(LEAD_STATUSES).map(([name, value]) => [value, name as LeadStatusName]),
);

/**
 * A lead view's status as a documented name. The API answers integers; a name is accepted too, in any case, in
 * case a server spells it out. Undefined for a status the docs do not list (or none at all).
 */
export function leadStatusName(status: number | string | null | undefined): LeadStatusName | undefined {
  if (typeof status === 'number') return NAMES.get(status);
  if (typeof status !== 'string' || status.trim() === '') return undefined;
  const text = status.trim();
  if (/^\d+$/.test(text)) return NAMES.get(Number(text));
  return (Object.keys(LEAD_STATUSES) as LeadStatusName[]).find(
    (name) => name.toLowerCase() === text.toLowerCase(),
  );
}
