import type { ImportSummary } from '../pipeline/summary.js';

/** What `validate` (and `import --dry-run`) prints: the mapping used, counts by status, the first problems. */
export function formatValidationReport(summary: ImportSummary): string {
  const { counts } = summary;
  const lines = ['Mapping:', ...summary.mapping.map((line) => `  ${line}`), ''];
  lines.push(`${summary.rows} rows: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.skipped} skipped`);
  if (summary.problems.length > 0) {
    lines.push('', 'First problems:');
    for (const problem of summary.problems) {
      const column = problem.column === undefined ? '' : ` column "${problem.column}":`;
      lines.push(`  row ${problem.row} (line ${problem.line}):${column} ${problem.reason}`);
    }
  }
  lines.push('', `Results: ${summary.resultsPath}`);
  return `${lines.join('\n')}\n`;
}
