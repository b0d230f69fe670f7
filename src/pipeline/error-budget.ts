/**
 * `--max-errors <n|n%>`: the run stops once this many rows have failed against the API, or once this share of
 * the rows sent so far has failed. A share is judged only after MIN_SAMPLE rows, so that one early failure
 * cannot stop a run at "100%".
 */
export const MIN_SAMPLE = 20;

export type ErrorBudget = { kind: 'count'; max: number } | { kind: 'share'; max: number } | { kind: 'none' };

export function parseErrorBudget(value: string | number | undefined): ErrorBudget {
  if (value === undefined) return { kind: 'none' };
  if (typeof value === 'number') return { kind: 'count', max: value };
  if (value.endsWith('%')) return { kind: 'share', max: Number(value.slice(0, -1)) / 100 };
  return { kind: 'count', max: Number(value) };
}

/** Returns a reason when the budget is spent. */
export function budgetSpent(budget: ErrorBudget, failed: number, sent: number): string | undefined {
  if (budget.kind === 'count' && failed >= budget.max) {
    return `${failed} rows failed against the API (--max-errors ${budget.max})`;
  }
  if (budget.kind === 'share' && sent >= MIN_SAMPLE && failed / sent >= budget.max) {
    return `${failed} of ${sent} rows sent failed (--max-errors ${budget.max * 100}%)`;
  }
  return undefined;
}
