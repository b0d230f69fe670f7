import fs from 'node:fs';
import { UsageError, describeFsError, type UsageErrorCode } from '../errors.js';

/**
 * Reads a small file the user named (config, mapping, token), without a BOM. A failure names the file and the
 * reason in words, never the content: such a file can hold what must not be printed.
 * @param label how messages name the file, e.g. `the config file nightly.json`.
 */
export function readTextFile(file: string, label: string, code: UsageErrorCode): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UsageError(`cannot read ${describeFsError(label, error)}`, code, { cause: error });
  }
}
