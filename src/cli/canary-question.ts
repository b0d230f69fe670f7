import type { CanaryQuestion } from '../pipeline/canary-leads.js';
import { askYesNo, canAsk } from './ask.js';
import { formatCanaryReport } from './canary-report.js';
import type { CliIo } from './io.js';
import { createStyle, wantsColor } from './style.js';

/**
 * `import --canary N` at the CLI: the N rows as the campaign holds them on stdout, then, where a person can
 * answer, the question; elsewhere the run stops and its summary prints the command that continues.
 */
export function canaryQuestion(
  io: CliIo,
  context: {
    /** False when stdout is the log (`2>&1` with JSON lines): no lead data goes there. */
    readonly show: boolean;
    /** Ctrl-C: a no, and the run stops as interrupted. */
    readonly signal: AbortSignal;
    /** The progress display is paused while the rows are shown and the question waits. */
    readonly pause: () => void;
    readonly resume: () => void;
  },
): CanaryQuestion {
  return async (leads) => {
    context.pause();
    if (context.show) io.stdout.write(formatCanaryReport(leads, createStyle(wantsColor(io.stdout, io.env))));
    if (!canAsk(io)) return false;
    const yes = await askYesNo(io.stdin, io.stderr, 'Send the remaining rows? [y/N] ', context.signal);
    if (yes) context.resume();
    return yes;
  };
}
