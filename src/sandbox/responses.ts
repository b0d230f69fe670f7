import type { ServerResponse } from 'node:http';

/** Where a response goes: an answer, a destroyed socket, or nothing at all. */
export type Outcome =
  | { kind: 'send'; status: number; headers: Record<string, string | number>; payload: string }
  | { kind: 'destroy' }
  | { kind: 'hang' };

/** An answer given as written: a string body goes as text/plain, any other body as JSON, none as empty. */
export interface VerbatimAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export function empty(status: number, headers: Record<string, string> = {}): Outcome {
  return { kind: 'send', status, headers, payload: '' };
}

export function json(status: number, value: unknown, contentType = JSON_TYPE): Outcome {
  return { kind: 'send', status, headers: { 'content-type': contentType }, payload: JSON.stringify(value) };
}

export function text(status: number, payload: string): Outcome {
  return { kind: 'send', status, headers: { 'content-type': TEXT_TYPE }, payload };
}

export function verbatim(answer: VerbatimAnswer): Outcome {
  const { status, body, headers = {} } = answer;
  if (body === undefined) return empty(status, headers);
  if (typeof body === 'string') {
    return { kind: 'send', status, headers: { 'content-type': TEXT_TYPE, ...headers }, payload: body };
  }
  return {
    kind: 'send',
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    payload: JSON.stringify(body),
  };
}

/** Writes a `send` outcome with its length, so keep-alive connections stay usable. */
export function writeOutcome(res: ServerResponse, outcome: Extract<Outcome, { kind: 'send' }>): void {
  res.writeHead(outcome.status, {
    ...outcome.headers,
    'content-length': Buffer.byteLength(outcome.payload),
  });
  res.end(outcome.payload);
}
