/**
 * Names the columns from the header record, so that every column has a unique, non-empty name:
 *
 * - Names are trimmed, and a byte-order mark left at the start of the first one is removed.
 * - An empty name becomes `column_N`, N its 1-based position: `name,,phone` → `name, column_2, phone`.
 * - A repeated name (compared exactly, as callData keys are) gets `_2`, `_3`… by its occurrence:
 *   `Email,Email,Email` → `Email, Email_2, Email_3`.
 * - A made-up name never takes a name written elsewhere in the header; it takes the next free suffix instead:
 *   `Email,Email,Email_2` → `Email, Email_3, Email_2`, and `a,,column_2` → `a, column_2_2, column_2`.
 */
export function normalizeHeader(cells: readonly string[]): string[] {
  const written = cells.map((cell, index) => (index === 0 ? cell.replace(/^\uFEFF/, '') : cell).trim());
  const taken = new Set(written.filter((name) => name !== ''));
  const seen = new Set<string>();
  return written.map((name, index) => {
    let result: string;
    if (name === '') {
      result = freeName(`column_${index + 1}`, taken);
    } else if (seen.has(name)) {
      result = freeName(name, taken, 2);
    } else {
      result = name;
    }
    seen.add(result);
    taken.add(result);
    return result;
  });
}

/** `base` itself when nobody has it (and `from` is not given), else `base_K` for the first free K ≥ `from`. */
function freeName(base: string, taken: ReadonlySet<string>, from?: number): string {
  if (from === undefined && !taken.has(base)) return base;
  for (let suffix = from ?? 2; ; suffix++) {
    const name = `${base}_${suffix}`;
    if (!taken.has(name)) return name;
  }
}
