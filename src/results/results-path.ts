import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** `leads.csv` → `leads.results.csv`, beside the input. */
export function defaultResultsPath(input: string): string {
  const parsed = path.parse(input);
  const stem = /^\.(csv|tsv|txt)$/i.test(parsed.ext) ? parsed.name : parsed.base;
  return path.join(parsed.dir, `${stem}.results.csv`);
}

export type ResultsMode = 'create' | 'replace' | 'append';

/** An existing results file is never silently replaced: the user chooses --resume or --overwrite. */
export function resultsMode(
  results: string,
  choice: { resume: boolean; overwrite: boolean; input: string },
): ResultsMode {
  if (path.resolve(results) === path.resolve(choice.input)) {
    throw new UsageError(
      `the results file would overwrite the input ${choice.input}; pass --results <file>`,
      'RESULTS_EXISTS',
    );
  }
  const exists = fs.existsSync(results);
  if (choice.resume) return exists ? 'append' : 'create';
  if (!exists) return 'create';
  if (choice.overwrite) return 'replace';
  throw new UsageError(
    `${results} already exists: pass --resume to continue it, --overwrite to replace it, or --results <file> to write elsewhere`,
    'RESULTS_EXISTS',
  );
}
