/** The Add Lead request body, as documented (`PUT /v1/Outbound/{outboundId}/Lead`). Absent keys are omitted. */
export interface LeadBody {
  phoneNumber: string;
  externalId?: string;
  timeZoneId?: string;
  callData?: Record<string, string | number | boolean>;
}

/**
 * A row's status in the results file. `sending` is written just before a row goes out, so that a crash leaves
 * a trace of rows whose outcome is unknown; the row's last line always wins. `updated` and `unchanged` come
 * from the ledger: a lead an earlier run added, changed since (sent with Update Lead) or the same (not sent).
 * `removed` is written by `undo`: the lead this row created was deleted from the campaign since.
 */
export type RowStatus =
  'created' | 'updated' | 'unchanged' | 'invalid' | 'failed' | 'skipped' | 'valid' | 'sending' | 'removed';

export interface RowOutcome {
  row: number;
  status: RowStatus;
  leadId?: string;
  error?: string;
  attempts: number;
}
