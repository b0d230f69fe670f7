import fs from 'node:fs';
import { UsageError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

/**
 * Reads a small file the user named (config, mapping, token), without a BOM. A failure names the file and the
 * reason in words, never the content: such a file can hold what must not be printed.
 */
/** @param label how messages name the file, e.g. `the config file nightly.json`. */
export function readTextFile(file: string, label: string, code: ErrorCode): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code ?? 'error';
    const why = errno === 'ENOENT' ? 'no such file' : errno === 'EACCES' ? 'permission denied' : errno;
    throw new UsageError(`cannot read ${label}: ${why}`, code, { cause: error });
  }
}
