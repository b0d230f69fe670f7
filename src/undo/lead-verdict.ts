import { leadStatusName } from '../upload/lead-status.js';
import type { LeadView } from '../upload/nlpearl-api.js';

/** What undo does with one lead, from the campaign's own view of it (Get Lead) just before it would delete it. */
export type LeadVerdict =
  /** Not called yet (status New), or `--include-called`: delete it. */
  | { readonly kind: 'remove' }
  /** The campaign no longer holds it (deleted by hand, or by an undo whose answer was lost): nothing to send. */
  | { readonly kind: 'gone' }
  /** Called already: it stays unless `--include-called`. `status` is NLPearl's name for it, or its raw value. */
  | { readonly kind: 'called'; readonly status: string }
  /** In the call queue or on a call at this moment: it stays whatever the flags; undo again later. */
  | { readonly kind: 'busy'; readonly status: string };

/**
 * Judges a lead for undo. Pure. A status the docs do not list counts as called: removing a lead that may have
 * been talked to is what `--include-called` is for. Leads queued for a call or on one are never deleted, as
 * NLPearl's notes advise against touching them then.
 */
export function judgeLead(view: LeadView | undefined, includeCalled: boolean): LeadVerdict {
  if (view === undefined) return { kind: 'gone' };
  const name = leadStatusName(view.status);
  if (name === 'New') return { kind: 'remove' };
  const status = name ?? (view.status === null ? 'no status' : String(view.status));
  if (name === 'InCallQueue' || name === 'OnCall') return { kind: 'busy', status };
  return includeCalled ? { kind: 'remove' } : { kind: 'called', status };
}
