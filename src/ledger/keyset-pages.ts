/**
 * Reads page after page, each starting after the last row of the one before (keyset paging), so that no
 * statement stays open while the caller writes between pages. `beforePage` runs before each page: both
 * ledgers commit their queued writes there, so that a page shows them.
 */
export async function* keysetPages<Row>(
  fetch: (after: Row | undefined) => Promise<Row[]>,
  pageSize: number,
  beforePage: () => Promise<void>,
): AsyncGenerator<Row> {
  let after: Row | undefined;
  for (;;) {
    await beforePage();
    const rows = await fetch(after);
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows.at(-1);
  }
}
