import type { CanaryLead } from '../pipeline/canary-leads.js';
import type { Style } from './style.js';

/**
 * The canary's rows as the campaign now holds them, for a person to check the variables before the rest go:
 * one line per row (leadId, phone, time zone, externalId), then its callData. It goes to stdout only, never
 * to the log, which carries no lead data. Strings are quoted as JSON, so a number sent as text shows, and a
 * cell's control characters cannot drive the terminal.
 */
export function formatCanaryReport(leads: readonly CanaryLead[], style: Style): string {
  const lines = [
    style.bold(`Canary: the first ${leads.length} rows sent, as the campaign now holds them (Get Lead):`),
  ];
  const rowWidth = Math.max(...leads.map((lead) => String(lead.row).length));
  for (const lead of leads) {
    const head = `  row ${String(lead.row).padStart(rowWidth)}  ${lead.status.padEnd(7)}`;
    const { lead: view } = lead;
    if (view === undefined) {
      const id = lead.leadId === undefined ? '' : `  leadId ${printable(lead.leadId)}`;
      lines.push(`${head}${id}  ${style.yellow(printable(lead.problem ?? 'not readable'))}`);
      continue;
    }
    const externalId = view.externalId === null ? '' : `  externalId ${printable(view.externalId)}`;
    lines.push(
      `${head}  leadId ${printable(lead.leadId ?? '')}  phone ${printable(view.phoneNumber)}  time zone ${timeZone(view.timeZone)}${externalId}`,
    );
    lines.push(`  ${' '.repeat(rowWidth + 4)}  callData ${callData(view.callData)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** NLPearl gives an offset in hours back, not the Windows id that was sent; none: the campaign's own. */
function timeZone(value: number | string | null): string {
  if (value === null || value === '') return "the campaign's";
  const hours = Number(value);
  if (!Number.isFinite(hours)) return printable(String(value));
  return `UTC${hours < 0 ? '-' : '+'}${Math.abs(hours)}`;
}

function callData(data: Readonly<Record<string, unknown>> | null): string {
  const entries = Object.entries(data ?? {});
  if (entries.length === 0) return '(none)';
  return entries
    .map(([key, value]) => `${printable(key)}=${printable(JSON.stringify(value) ?? 'null')}`)
    .join(', ');
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Control characters escaped: a lead's text must not move the cursor or change colours. */
function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
