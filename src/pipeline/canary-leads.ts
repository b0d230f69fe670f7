import { callWithRetries } from '../upload/attempts.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import type { SendContext } from '../upload/send-context.js';
import { CanaryGate, type CanaryRow } from './canary-gate.js';
import type { LedgerRun } from './ledger-run.js';
import type { RunStop } from './run-stop.js';

/** A canary row as the campaign now holds it, for a person to check its variables before the rest go. */
export interface CanaryLead {
  readonly row: number;
  readonly status: 'created' | 'updated' | 'failed' | 'unknown';
  readonly leadId?: string;
  /** What Get Lead answered; undefined when the row has no lead, or it could not be read (`problem` says why). */
  readonly lead?: {
    readonly phoneNumber: string;
    readonly externalId: string | null;
    /** As NLPearl gives it back: an offset in hours, not the Windows id that was sent; null for the campaign's. */
    readonly timeZone: number | string | null;
    readonly callData: Readonly<Record<string, unknown>> | null;
  };
  readonly problem?: string;
}

/** Asked once N rows were sent, with them as the campaign holds them: true sends the rest in the same run. */
export type CanaryQuestion = (leads: readonly CanaryLead[]) => Promise<boolean>;

/** What the row loop needs of a canary: the gate that counts the rows, and the check once it is full. */
export interface Canary {
  readonly gate: CanaryGate;
  /** Shows the rows sent and asks; false when the run is to stop here (it is then stopped, `CANARY`). */
  check(): Promise<boolean>;
}

export function createCanary(
  size: number,
  parts: {
    api: NlpearlApi;
    send: SendContext;
    stop: RunStop;
    ledger: LedgerRun | undefined;
    ask: CanaryQuestion | undefined;
  },
): Canary {
  const gate = new CanaryGate(size);
  return {
    gate,
    async check() {
      const { stop } = parts;
      // Their outcomes committed before anyone looks: a person may leave the question open, or kill the run.
      await parts.ledger?.settle().catch(() => undefined);
      const leads = await readCanaryLeads(gate.rows, parts.api, parts.send);
      const goOn = !stop.signal.aborted && parts.ask !== undefined && (await parts.ask(leads));
      if (goOn && !stop.signal.aborted) return true;
      // A signal during the question has stopped the run already, and its reason stands.
      stop.stop('CANARY', `canary: ${gate.rows.length} rows sent, the rest not yet`, 'info');
      return false;
    },
  };
}

/** Get Lead for each canary row that has a lead, in row order. */
export async function readCanaryLeads(
  rows: readonly CanaryRow[],
  api: NlpearlApi,
  send: SendContext,
): Promise<CanaryLead[]> {
  const sorted = [...rows].sort((a, b) => a.row - b.row);
  return Promise.all(sorted.map((row) => readCanaryLead(row, api, send)));
}

async function readCanaryLead(row: CanaryRow, api: NlpearlApi, send: SendContext): Promise<CanaryLead> {
  const base = {
    row: row.row,
    status: row.status,
    ...(row.leadId === undefined ? {} : { leadId: row.leadId }),
  };
  const leadId = row.leadId;
  if (leadId === undefined) return { ...base, problem: row.error ?? 'no leadId' };
  const answer = await callWithRetries(() => api.getLead(leadId, send.stop), send);
  if (answer.kind === 'stopped') return { ...base, problem: 'Get Lead: the run stopped' };
  if (answer.kind === 'failed') return { ...base, problem: `Get Lead: ${answer.message}` };
  const view = answer.value;
  if (view === undefined) return { ...base, problem: 'Get Lead: no such lead in the campaign' };
  return {
    ...base,
    lead: {
      phoneNumber: view.phoneNumber,
      externalId: view.externalId,
      timeZone: view.timeZone,
      callData: view.callData,
    },
  };
}
