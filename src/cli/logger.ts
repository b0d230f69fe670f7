import fs from 'node:fs';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from '../config.js';
import { UsageError } from '../errors.js';
import type { OutputStream } from './io.js';
import type { Redactor } from './secrets.js';
import type { StatusLine } from './status-line.js';
import type { Style } from './style.js';

/**
 * pino's redaction: the token only ever lives in the client's headers, and these paths are a second lock on the
 * door (the third is the Redactor every byte goes through).
 */
const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.*.headers.authorization',
  'options.headers.authorization',
  '*.options.headers.authorization',
  'secretKey',
  '*.secretKey',
];

export interface CliLoggerOptions {
  readonly level: LogLevel;
  /** 'json': pino's JSON lines (a job, a pipe); 'human': one readable line per entry (a terminal). */
  readonly format: 'json' | 'human';
  /** Already redacted (see Redactor.wrap). */
  readonly stderr: OutputStream;
  /** On a terminal, log lines are printed above the progress display. */
  readonly statusLine?: StatusLine | undefined;
  readonly style: Style;
  /** Also append the JSON log to this file. */
  readonly logFile?: string | undefined;
  readonly redactor: Redactor;
}

export interface CliLogger {
  readonly logger: Logger;
  /** Writes to the log file only (for the fatal error whose one plain line goes to stderr); undefined without one. */
  readonly fileLogger: Logger | undefined;
  /** Closes the log file. Every line is already on disk: each is written with one synchronous write. */
  readonly close: () => void;
}

export function createCliLogger(options: CliLoggerOptions): CliLogger {
  const { stderr, statusLine, style, redactor } = options;
  const pinoOptions: LoggerOptions = {
    level: options.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  const toStderr: DestinationStream =
    options.format === 'json'
      ? { write: (line: string) => void stderr.write(line) }
      : {
          write: (line: string) => {
            const text = formatLogLine(line, style);
            if (statusLine === undefined) stderr.write(text);
            else statusLine.print(text);
          },
        };
  const file = options.logFile === undefined ? undefined : openLogFile(options.logFile, redactor, stderr);
  const streams = [{ level: 'trace' as const, stream: toStderr }];
  if (file !== undefined) streams.push({ level: 'trace', stream: file.sink });
  const logger = pino(pinoOptions, pino.multistream(streams));
  return {
    logger,
    fileLogger: file === undefined ? undefined : pino(pinoOptions, file.sink),
    close: () => file?.close(),
  };
}

function openLogFile(
  file: string,
  redactor: Redactor,
  stderr: OutputStream,
): { sink: DestinationStream; close(): void } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'a', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot open the log file ${file}: ${code}`, 'CONFIG', { cause: error });
  }
  return {
    sink: {
      write: (line: string) => {
        if (fd === undefined) return;
        try {
          fs.writeSync(fd, redactor.redact(line));
        } catch (error) {
          // A full disk must not stop the import: say it once, and go on logging to stderr only.
          const code = (error as NodeJS.ErrnoException).code ?? 'error';
          stderr.write(
            `nlpearl-leads: cannot write the log file ${file} (${code}); logging to stderr only\n`,
          );
          fs.closeSync(fd);
          fd = undefined;
        }
      },
    },
    close: () => {
      if (fd === undefined) return;
      const open = fd;
      fd = undefined;
      fs.closeSync(open);
    },
  };
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * One pino JSON line as a person reads it: `12:04:05 WARN  message key=value …`, in local time, with the
 * error's stack (if any) on the lines below.
 */
export function formatLogLine(json: string, style: Style): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { level, time, msg, err, ...fields } = entry;
  const label = LEVELS[Number(level)] ?? String(level);
  const colour =
    Number(level) >= 50
      ? style.red
      : Number(level) >= 40
        ? style.yellow
        : Number(level) >= 30
          ? style.cyan
          : style.dim;
  const when =
    typeof time === 'string' || typeof time === 'number' ? new Date(time).toTimeString().slice(0, 8) : '';
  const parts = [style.dim(when), colour(label.padEnd(5)), typeof msg === 'string' ? msg : ''];
  for (const [key, value] of Object.entries(fields)) {
    parts.push(`${style.dim(`${key}=`)}${formatValue(value)}`);
  }
  let text = parts.filter((part) => part !== '').join(' ');
  if (typeof err === 'object' && err !== null) {
    const { message, stack } = err as { message?: unknown; stack?: unknown };
    text += typeof stack === 'string' ? `\n${stack}` : ` ${style.dim('err=')}${String(message)}`;
  }
  return `${text}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  // A list of strings (the mapping) reads better unquoted.
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return `[${value.join(', ')}]`;
  return JSON.stringify(value) ?? String(value);
}
