import type { CsvRecord } from '../csv/open-csv.js';
import { InputError, describeFsError } from '../errors.js';
import type { ColumnMapping } from '../mapping/columns.js';
import type { DuplicateFinder } from '../mapping/duplicates.js';
import { mapRecord, type LeadMappingOptions } from '../mapping/lead.js';
import { splitResultsRecord } from '../results/columns.js';
import type { RowStates } from '../results/row-states.js';
import type { LeadBody, RowStatus } from '../types.js';

/** What becomes of one input record, decided before anything is sent. */
export type RowPlan =
  /**
   * An earlier run finished it (--resume, retry): nothing to send. `body` when the row maps, so that the
   * ledger can count the lead as in tonight's input.
   */
  | { readonly kind: 'done'; readonly row: number; readonly body?: LeadBody | undefined }
  | (Located & { readonly kind: 'invalid'; readonly reason: string; readonly column?: string | undefined })
  | (Located & {
      readonly kind: 'skipped';
      readonly skip: 'duplicate' | 'do-not-call';
      readonly reason: string;
    })
  /** A dry run's valid row. */
  | (Located & Mapped & { readonly kind: 'valid' })
  /** `mayExist`: an earlier run may have created it (its last status was sending or failed). */
  | (Located & Mapped & { readonly kind: 'send'; readonly mayExist: boolean });

interface Located {
  readonly row: number;
  readonly line: number;
  /** The input's own cells, for the results line. */
  readonly cells: readonly string[];
}

interface Mapped {
  readonly body: LeadBody;
  /** The index of the column its phone number came from. */
  readonly phoneColumn: number;
}

/** What planning counts for the run's summary: the run's tally. */
export interface PlanCounts {
  addPhoneColumn(column: number): void;
  addDoNotCall(): void;
}

export interface PlanContext {
  readonly records: AsyncIterable<CsvRecord>;
  /** The input's name, for an error that stops reading. */
  readonly inputName: string;
  readonly mapping: ColumnMapping;
  /** The input's own header (without a results file's columns), for naming the column at fault. */
  readonly header: readonly string[];
  /** The input is a results file: its records carry their row number, status and the lead's own cells. */
  readonly fromResults: boolean;
  /**
   * Retry reads each row's status from the input, a results file, and sends the rows whose latest status is
   * failed, invalid or sending; otherwise `prior` (--resume) has each row's status, and created or skipped
   * rows are done.
   */
  readonly retry: boolean;
  readonly prior: RowStates | undefined;
  /** Undefined with --allow-duplicates. */
  readonly duplicates: DuplicateFinder | undefined;
  readonly dryRun: boolean;
  readonly lead: LeadMappingOptions;
  readonly counts: PlanCounts;
}

/**
 * Reads and maps the input one record at a time, as the consumer asks for them. A record that cannot be read
 * past ends it with an InputError, after every record before it; a read failure of the file itself becomes one.
 */
export async function* planRows(context: PlanContext): AsyncGenerator<RowPlan> {
  try {
    for await (const record of context.records) {
      const plan = planRow(record, context);
      yield plan;
      // Counted when the consumer comes back for the next plan: one it dropped as the run stopped was not sent.
      count(plan, context.counts);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${describeFsError(context.inputName, error)}`, 'INPUT_UNREADABLE', {
      cause: error,
    });
  }
}

export function planRow(record: CsvRecord, context: PlanContext): RowPlan {
  const read = context.fromResults ? splitResultsRecord(record.cells) : undefined;
  const row = read?.row ?? record.row;
  const cells = read?.cells ?? record.cells;
  const status = context.retry ? read?.status : context.prior?.get(row);
  const mapped = record.error === undefined ? mapRecord(cells, context.mapping, context.lead) : undefined;
  if (isDone(status, context.retry)) {
    // Its keys still count: a later row with the same phone is a duplicate of it.
    if (mapped?.ok) context.duplicates?.check(mapped.body, row);
    return { kind: 'done', row, body: mapped?.ok ? mapped.body : undefined };
  }
  const at = { row, line: record.line, cells };
  // A person who must not be called (do-not-call): never sent, and claims no phone or externalId.
  if (mapped?.ok === false && mapped.skip !== undefined)
    return { ...at, kind: 'skipped', skip: mapped.skip, reason: mapped.reason };
  if (mapped === undefined || !mapped.ok) {
    const reason = record.error ?? (mapped?.ok === false ? mapped.reason : 'unreadable record');
    const column =
      mapped?.ok === false && mapped.column !== undefined ? context.header[mapped.column] : undefined;
    return { ...at, kind: 'invalid', reason, column };
  }
  const duplicate = context.duplicates?.check(mapped.body, row);
  if (duplicate !== undefined) return { ...at, kind: 'skipped', skip: 'duplicate', reason: duplicate };
  const { body, phoneColumn } = mapped;
  if (context.dryRun) return { ...at, kind: 'valid', body, phoneColumn };
  return { ...at, kind: 'send', body, phoneColumn, mayExist: status === 'sending' || status === 'failed' };
}

/** A row that goes on counts for its phone column; a do-not-call skip for the summary's line on them. */
function count(plan: RowPlan, counts: PlanCounts): void {
  if (plan.kind === 'send' || plan.kind === 'valid') counts.addPhoneColumn(plan.phoneColumn);
  else if (plan.kind === 'skipped' && plan.skip === 'do-not-call') counts.addDoNotCall();
}

function isDone(status: string | undefined, retry: boolean): boolean {
  if (status === undefined) return false;
  if (retry) return !(['failed', 'invalid', 'sending'] satisfies RowStatus[] as string[]).includes(status);
  // A row undo removed stays removed on --resume: only a new import (or the ledger's next night) adds it again.
  return status === 'created' || status === 'skipped' || status === 'removed';
}
