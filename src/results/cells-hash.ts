const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * A 32-bit hash of a row's cells, from `from` on: FNV-1a over their UTF-16 code units, each cell's length mixed
 * in first so that where cells end counts (`["ab"]` and `["a", "b"]` differ, and so does a trailing empty cell).
 * It tells whether an input row is the one a results file recorded, in 4 bytes a row. Each step is a bijection
 * of the state, so rows of the same cell lengths that differ in one code unit never hash alike; other
 * differences go unnoticed about once in four billion rows.
 */
export function hashCells(cells: readonly string[], from = 0): number {
  let hash = FNV_OFFSET;
  for (let i = from; i < cells.length; i++) {
    const cell = cells[i]!;
    hash = Math.imul(hash ^ cell.length, FNV_PRIME);
    for (let j = 0; j < cell.length; j++) hash = Math.imul(hash ^ cell.charCodeAt(j), FNV_PRIME);
  }
  return hash >>> 0;
}
