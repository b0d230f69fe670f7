import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLogLine } from '../src/cli/logger.js';
import { main } from '../src/cli/main.js';
import {
  ProgressEstimator,
  countLines,
  duration,
  formatProgressLine,
  type ProgressEstimate,
} from '../src/cli/progress.js';
import { StatusLine, fit, visibleLength } from '../src/cli/status-line.js';
import { createStyle } from '../src/cli/style.js';
import { formatSummaryTable } from '../src/cli/summary-table.js';
import type { RunProgress } from '../src/pipeline/run-tally.js';
import type { ImportSummary } from '../src/pipeline/summary.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { Sink, fakeIo, frames, screen } from './helpers/cli-io.js';
import { writeLeadsCsv } from './helpers/leads-csv.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();
const plain = createStyle(false);
// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\u001b\[[0-9;]*m/;

function progress(values: Partial<RunProgress>): RunProgress {
  return {
    rowsDone: 0,
    counts: { created: 0, updated: 0, unchanged: 0, invalid: 0, failed: 0, skipped: 0, valid: 0, unknown: 0 },
    alreadyDone: 0,
    inFlight: 0,
    bytesRead: 0,
    totalBytes: undefined,
    elapsedMs: 0,
    rowsPerSecond: 0,
    allowedRate: undefined,
    ...values,
  };
}

describe('ProgressEstimator', () => {
  /** A 50,000-row file read in 64 KiB chunks that keep ~125 KB ahead of the rows sent, as the reader does. */
  function simulate(rows: number, bytesPerRow: number) {
    const totalBytes = Math.round(rows * bytesPerRow) + 27;
    let bytesRead = 131_072;
    const estimator = new ProgressEstimator();
    const estimates: ProgressEstimate[] = [];
    for (let done = 0; done <= rows; done += 60) {
      while (bytesRead < totalBytes && done * bytesPerRow + 125_000 > bytesRead) {
        bytesRead = Math.min(totalBytes, bytesRead + 65_536);
      }
      const created = done;
      estimates.push(
        estimator.update(
          progress({
            rowsDone: done,
            inFlight: 8,
            counts: {
              created,
              updated: 0,
              unchanged: 0,
              invalid: 0,
              failed: 0,
              skipped: 0,
              valid: 0,
              unknown: 0,
            },
            bytesRead,
            totalBytes,
            elapsedMs: done * 2.5,
          }),
        ),
      );
    }
    return estimates;
  }

  it('estimates the rows of a large file from its bytes, within 5% once a tenth is done', () => {
    const estimates = simulate(50_000, 33.56);
    const late = estimates.filter((e) => e.progress.rowsDone >= 5_000);
    for (const estimate of late) {
      expect(Math.abs(estimate.totalRows! - 50_000) / 50_000).toBeLessThan(0.05);
    }
    // 400 rows/s: the time left is the rows left at that pace.
    const middle = estimates.find((e) => e.progress.rowsDone >= 25_000)!;
    expect(middle.rowsPerSecond).toBeCloseTo(400, 0);
    expect(middle.etaMs! / 1000).toBeGreaterThan(55);
    expect(middle.etaMs! / 1000).toBeLessThan(70);
  });

  it('counts the lines of a file read whole at once, and knows no total for standard input', () => {
    const counted = new ProgressEstimator(() => 1_000).update(
      progress({ rowsDone: 10, bytesRead: 30_000, totalBytes: 30_000, elapsedMs: 1_000, rowsPerSecond: 10 }),
    );
    expect(counted.totalRows).toBe(1_000);
    expect(counted.etaMs).toBe(99_000);

    const stdin = new ProgressEstimator().update(
      progress({ rowsDone: 10, bytesRead: 30_000, elapsedMs: 1_000, rowsPerSecond: 10 }),
    );
    expect(stdin.totalRows).toBeUndefined();
    expect(stdin.etaMs).toBeUndefined();
  });

  it('counts rows by line breaks, less the header, with or without a last line break', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.csv'), 'phone\n1\n2\n3\n');
    fs.writeFileSync(path.join(dir, 'b.csv'), 'phone\r\n1\r\n2');
    fs.writeFileSync(path.join(dir, 'c.csv'), 'phone\r1\r2\r');
    expect(countLines(path.join(dir, 'a.csv'))).toBe(3);
    expect(countLines(path.join(dir, 'b.csv'))).toBe(2);
    expect(countLines(path.join(dir, 'c.csv'))).toBe(2);
    expect(countLines(path.join(dir, 'missing.csv'))).toBeUndefined();
  });
});

describe('formatProgressLine', () => {
  const estimate: ProgressEstimate = {
    progress: progress({
      rowsDone: 21_000,
      counts: {
        created: 20_990,
        updated: 0,
        unchanged: 0,
        invalid: 3,
        failed: 7,
        skipped: 0,
        valid: 0,
        unknown: 0,
      },
      totalBytes: 1,
    }),
    totalRows: 50_000,
    rowsPerSecond: 396.4,
    etaMs: 78_000,
  };

  it('shows the share, rows of the total, pace, every count and the time left', () => {
    const line = formatProgressLine(estimate, { width: 200, style: plain, dryRun: false, frame: 0 });
    expect(line).toMatch(/^⠋\s+42% █{5}░{7} 21,000\/≈50,000 rows · 396 rows\/s · /);
    expect(line).toContain('created 20,990, invalid 3, failed 7, skipped 0');
    expect(line.endsWith(' · ETA 1:18')).toBe(true);
  });

  it('leaves out the bar, then the counts, then the pace, to fit a narrow terminal', () => {
    const widths = [100, 70, 40, 20].map((width) =>
      formatProgressLine(estimate, { width, style: plain, dryRun: false, frame: 1 }),
    );
    expect(widths[0]).not.toContain('█');
    expect(widths[0]).toContain('failed 7');
    expect(widths[1]).not.toContain('created');
    expect(widths[1]).toContain('396 rows/s');
    expect(widths[2]).toBe('⠙  42% 21,000/≈50,000 rows · ETA 1:18');
    expect(widths[3]).toBe('⠙ 21,000/≈50,000 rows');
  });

  it('counts valid rows in a dry run, and shows no ETA without a total', () => {
    const line = formatProgressLine(
      { ...estimate, totalRows: undefined, etaMs: undefined },
      { width: 200, style: plain, dryRun: true, frame: 0 },
    );
    expect(line).toBe('⠋ 21,000 rows · 396 rows/s · valid 0, invalid 3, skipped 0');
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    expect([0, 5_400, 78_000, 3_723_000].map(duration)).toEqual(['0:00', '0:05', '1:18', '1:02:03']);
  });
});

describe('StatusLine', () => {
  it('clears itself before a log line and draws itself again after it', () => {
    const sink = new Sink(true, 40);
    const status = new StatusLine(sink);
    status.show('⠋ 10 rows');
    status.print('12:00:00 WARN  something');
    status.show('⠙ 20 rows');
    expect(sink.text).toBe(
      '\r\u001b[2K⠋ 10 rows\r\u001b[2K12:00:00 WARN  something\n⠋ 10 rows\r\u001b[2K⠙ 20 rows',
    );
    expect(screen(sink.text)).toEqual(['12:00:00 WARN  something', '⠙ 20 rows']);
    status.clear();
    expect(screen(sink.text)).toEqual(['12:00:00 WARN  something', '']);
  });

  it('cuts a line to the width, keeping colour codes whole', () => {
    const red = createStyle(true).red('abcdefghij');
    expect(visibleLength(fit(red, 5))).toBe(5);
    expect(fit(red, 5)).toBe('\u001b[31mabcd…\u001b[0m');
    expect(fit('abcdefghij', 5)).toBe('abcd…');
  });
});

describe('formatLogLine', () => {
  it('turns a pino JSON line into one readable line, in colour only when asked', () => {
    const json = JSON.stringify({
      level: 40,
      time: '2025-01-01T12:04:05.000Z',
      msg: 'the API looks down',
      failures: 25,
      mapping: ['phoneNumber ← "phone"', 'externalId ← (none)'],
      note: 'two words',
    });
    const line = formatLogLine(json, plain);
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d WARN {2}the API looks down failures=25 mapping=\[phoneNumber ← "phone", externalId ← \(none\)\] note="two words"\n$/,
    );
    expect(line).not.toMatch(ANSI_COLOUR);
    expect(formatLogLine(json, createStyle(true))).toMatch(ANSI_COLOUR);
  });
});

describe('formatSummaryTable', () => {
  const summary: ImportSummary = {
    resultsPath: 'leads.results.csv',
    dryRun: false,
    rows: 50_120,
    counts: {
      created: 49_990,
      updated: 0,
      unchanged: 0,
      invalid: 3,
      failed: 7,
      skipped: 0,
      valid: 0,
      unknown: 0,
    },
    doNotCall: 0,
    phoneColumns: [],
    alreadyDone: 120,
    durationMs: 125_000,
    rowsPerSecond: 400,
    mapping: [],
    problems: [],
    exitCode: 1,
  };

  it('is a small table with what to do about each count, the results path and the retry command', () => {
    const text = formatSummaryTable(summary, plain, {
      retry: 'nlpearl-leads retry leads.results.csv --outbound o-1',
    });
    expect(text).toBe(
      [
        'Imported 50,120 rows in 2:05 (400 rows/s)',
        '',
        '  created      49,990',
        '  invalid           3  fix them in the results file, then retry',
        '  failed            7  the API refused them or never answered',
        '  skipped           0',
        '  done before     120  done by an earlier run, not sent again',
        '',
        'Results: leads.results.csv',
        'Retry the failed rows with: nlpearl-leads retry leads.results.csv --outbound o-1',
        '',
      ].join('\n'),
    );
  });

  it('says why rows were skipped, and how many took their number from each phone column', () => {
    const text = formatSummaryTable(
      {
        ...summary,
        counts: { ...summary.counts, skipped: 5 },
        doNotCall: 2,
        phoneColumns: [
          { column: 'Mobile Phone', rows: 40_000 },
          { column: 'Business Phone', rows: 9_990 },
        ],
      },
      plain,
    );
    expect(text).toContain(
      '  skipped           5  2 marked do not call, 3 repeat an earlier phone or externalId\n',
    );
    expect(text).toContain(
      '\n\nPhone numbers from "Mobile Phone": 40,000 rows, "Business Phone": 9,990 rows\n',
    );
    const marked = formatSummaryTable(
      { ...summary, counts: { ...summary.counts, skipped: 2 }, doNotCall: 2 },
      plain,
    );
    expect(marked).toContain('  skipped           2  marked do not call: never sent\n');
    expect(marked).not.toContain('Phone numbers from');
  });
});

describe('the CLI at a terminal (in-process, stderr a TTY)', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  async function runAtTerminal(env: Record<string, string>, extra: string[] = [], failFirst = false) {
    sandbox = await startSandbox({ faults: { latencyMs: 10 } });
    if (failFirst) sandbox.enqueue({ status: 400, body: { errors: { PhoneNumber: ['unreachable'] } } });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 300);
    const { io, stdout, stderr } = fakeIo({
      tty: true,
      columns: 120,
      env: { NLPEARL_API_TOKEN: sandbox.token, ...env },
    });
    const args = ['import', input, '--outbound', 'sandbox-outbound', '--api-url', sandbox.url];
    const code = await main([...args, '--concurrency', '2', ...extra], io);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('draws a moving progress display with an ETA that never cuts into a log line', async () => {
    const run = await runAtTerminal({ NO_COLOR: '1' }, [], true);
    expect(run.code).toBe(1);
    const drawn = frames(run.stderr);
    expect(drawn.length).toBeGreaterThan(3);
    expect(
      drawn.some((frame) => /\d+% .*\/≈300 rows · \d+ rows\/s · created .* · ETA \d+:\d\d$/.test(frame)),
    ).toBe(true);
    const done = drawn.map((frame) => Number(/ ([\d,]+)\/≈300 rows/.exec(frame)?.[1]?.replace(',', '') ?? 0));
    expect(done.at(-1)).toBeGreaterThan(done[0]!);
    // What the terminal shows at the end: readable log lines only, the progress line gone.
    const shown = screen(run.stderr).filter((line) => line !== '');
    expect(shown.length).toBeGreaterThan(1);
    for (const line of shown) expect(line).toMatch(/^\d\d:\d\d:\d\d (INFO |WARN ) \w/);
    expect(run.stderr).not.toMatch(ANSI_COLOUR);
    // stdout is a terminal too: the table, and the command that sends the failed row again.
    expect(run.stdout).toMatch(/^ {2}failed +1 {2}the API refused them or never answered$/m);
    expect(run.stdout).toMatch(
      /Retry the failed rows with: nlpearl-leads retry \S+leads\.results\.csv --outbound/,
    );
    expect(run.stdout).not.toMatch(ANSI_COLOUR);
  });

  it('uses colour at a terminal when NO_COLOR is not set', async () => {
    const run = await runAtTerminal({});
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(ANSI_COLOUR);
    expect(run.stdout).toMatch(ANSI_COLOUR);
  });

  it.each([
    ['under CI', { CI: 'true' }, [], true],
    ['with --no-progress', {}, ['--no-progress'], false],
  ])('draws no progress display %s', async (_case, env, extra, progressLines) => {
    const run = await runAtTerminal({ NO_COLOR: '1', ...env }, [...extra, '--progress-interval', '1']);
    expect(run.code).toBe(0);
    expect(frames(run.stderr)).toEqual([]);
    expect(run.stderr).not.toContain('\r');
    // Under CI the progress goes to the log instead, one line a second here.
    expect(/INFO {2}progress rowsDone=/.test(run.stderr)).toBe(progressLines);
  });
});
