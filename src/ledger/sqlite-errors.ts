import { LedgerError } from './errors.js';

const ELSEWHERE = 'or point --ledger (or NLPEARL_LEDGER) at another file';

/**
 * Turns what SQLite or the file system threw into a LedgerError that names the file and says what to do.
 * Anything else (a mistake in our SQL, a LedgerError already) is returned as it is.
 */
export function ledgerErrorFrom(error: unknown, file: string): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (error instanceof LedgerError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_DLOPEN_FAILED' || error.message.startsWith('Could not locate the bindings file')) {
    // better-sqlite3 loads its native module at the first open: missing when its install script did not run
    // (npm 11 may skip install scripts it was not told to allow), or built for another Node.js version.
    return new LedgerError(
      `cannot open the ledger ${file}: the SQLite driver (better-sqlite3) is not built for this Node.js ` +
        `${process.version}. Run \`npm rebuild better-sqlite3\` where nlpearl-leads is installed (npm 11 needs ` +
        `\`npm approve-scripts better-sqlite3\` first), or run without a ledger (--no-ledger)`,
      'LEDGER_UNAVAILABLE',
      { cause: error },
    );
  }
  if (typeof code !== 'string') return error;
  const unavailable = (what: string) =>
    new LedgerError(`${what}, ${ELSEWHERE}`, 'LEDGER_UNAVAILABLE', { cause: error });

  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new LedgerError(
      `the ledger ${file} is damaged or not a database (${error.message}). Move it aside ` +
        `(mv "${file}" "${file}.broken"): the next run then pulls the campaign's leads again, so none is added ` +
        `twice; ${ELSEWHERE}.`,
      'LEDGER_CORRUPT',
      { cause: error },
    );
  }
  if (code === 'SQLITE_READONLY_DIRECTORY') {
    return unavailable(`cannot write the ledger ${file}: its folder is read-only. Make the folder writable`);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'EACCES' || code === 'EPERM') {
    return unavailable(`cannot write the ledger ${file}: permission denied. Make it and its folder writable`);
  }
  if (code === 'EROFS') {
    return unavailable(
      `cannot write the ledger ${file}: it is on a read-only file system. Use a writable disk`,
    );
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return unavailable(`cannot write the ledger ${file}: the disk is full. Free some space`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return unavailable(
      `the ledger ${file} stayed busy: another process kept it locked for too long. Try again when it is done`,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || ['ENOTDIR', 'ENOENT', 'EISDIR', 'EEXIST'].includes(code)) {
    return unavailable(`cannot open the ledger ${file}. Check that it is a file in a folder you can write`);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return unavailable(`cannot read or write the ledger ${file}: I/O error (${code}). Check the disk`);
  }
  return error;
}
