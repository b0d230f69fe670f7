const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * A cell as a message quotes it: in double quotes, on one line. A cell may hold line breaks (an address, a note,
 * two numbers typed one under the other); a reason is one line of the results file and of the report, so each
 * break is shown as "↵".
 */
export function quoted(cell: string): string {
  return `"${cell.replace(LINE_BREAK, '↵')}"`;
}
