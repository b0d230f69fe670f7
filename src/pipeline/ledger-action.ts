import type { LedgerEntry } from '../ledger/types.js';

/** What a row comes to with a ledger, before anything is sent. */
export type LedgerAction =
  /** The ledger does not know the lead (or it was removed): Add Lead. */
  | { readonly kind: 'create' }
  /** A run stopped while sending it (or removing it): look it up first, then add it only if it is not there. */
  | { readonly kind: 'look-up-then-create' }
  | { readonly kind: 'unchanged'; readonly leadId: string | undefined }
  /** Changed since it was last sent: Update Lead. */
  | { readonly kind: 'update'; readonly leadId: string }
  /** Changed, and `--on-change skip`: reported, not sent. */
  | { readonly kind: 'skip-change'; readonly leadId: string | undefined };

export interface ActionSettings {
  /** `--on-change`: what a changed lead gets. */
  readonly onChange: 'update' | 'skip';
  /** `--update-existing`: send Update Lead to leads found in the campaign, whose content is unknown. */
  readonly updateExisting: boolean;
}

/**
 * Compares a row with what the ledger knows of its lead. Pure: the body's hash is computed by the caller, so
 * that a re-formatted cell (the same lead once normalised) is no change.
 */
export function ledgerAction(
  entry: LedgerEntry | undefined,
  bodyHash: string,
  settings: ActionSettings,
): LedgerAction {
  if (entry === undefined || entry.state === 'removed') return { kind: 'create' };
  if (entry.state === 'sending' || entry.state === 'removing' || entry.leadId === undefined) {
    return { kind: 'look-up-then-create' };
  }
  const { leadId } = entry;
  if (entry.state === 'pulled') {
    // Added by hand, or by a run whose ledger was lost: its content cannot be compared.
    return settings.updateExisting ? { kind: 'update', leadId } : { kind: 'unchanged', leadId };
  }
  if (entry.bodyHash === bodyHash) return { kind: 'unchanged', leadId };
  return settings.onChange === 'update' ? { kind: 'update', leadId } : { kind: 'skip-change', leadId };
}
