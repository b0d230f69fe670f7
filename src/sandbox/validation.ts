import { randomBytes } from 'node:crypto';

/** ASP.NET's ValidationProblemDetails, the body of NLPearl's 400 answers. */
export interface ValidationProblem {
  type: string;
  title: string;
  status: 400;
  errors: Record<string, string[]>;
  traceId: string;
}

/** A request body as read from the wire: absent, not JSON, or a parsed JSON value. */
export type JsonBody =
  { kind: 'empty' } | { kind: 'malformed'; message: string } | { kind: 'json'; value: unknown };

export type Validated<T> = { ok: true; value: T } | { ok: false; problem: ValidationProblem };

/** Field errors keyed as ASP.NET keys them: the JSON path for binding errors, the property for rules. */
export type FieldErrors = Record<string, string[]>;

export function readJson(text: string): JsonBody {
  if (text.length === 0) return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'malformed', message: (error as Error).message };
  }
}

export function problem(errors: FieldErrors): ValidationProblem {
  return {
    type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
    title: 'One or more validation errors occurred.',
    status: 400,
    errors,
    traceId: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`,
  };
}

export const requiredField = (name: string): string => `The ${name} field is required.`;
export const notConvertible = (type: string, path: string): string =>
  `The JSON value could not be converted to ${type}. Path: ${path}`;

/**
 * The JSON object of a request, or the messages System.Text.Json and ASP.NET model binding give for a body
 * that is missing, unreadable or not an object.
 */
export function bindObject(body: JsonBody, requestType: string): Validated<Record<string, unknown>> {
  if (body.kind === 'empty') {
    return { ok: false, problem: problem({ '': ['A non-empty request body is required.'] }) };
  }
  if (body.kind === 'malformed') {
    const errors = {
      $: [`The JSON value could not be parsed. ${body.message}`],
      request: [requiredField('request')],
    };
    return { ok: false, problem: problem(errors) };
  }
  const { value } = body;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const errors = { $: [notConvertible(requestType, '$')], request: [requiredField('request')] };
    return { ok: false, problem: problem(errors) };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Returns the string, null when absent, or an error added to `errors` under the JSON path ASP.NET would use. */
export function optionalString(
  record: Record<string, unknown>,
  key: string,
  errors: FieldErrors,
): string | null {
  const value = record[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  errors[`$.${key}`] = [notConvertible('System.String', `$.${key}`)];
  return null;
}

/** callData: an object of strings, numbers and booleans, or null when absent. */
export function optionalCallData(
  record: Record<string, unknown>,
  errors: FieldErrors,
): Record<string, unknown> | null {
  const raw = record.callData;
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    errors['$.callData'] = [notConvertible('System.Collections.Generic.Dictionary', '$.callData')];
    return null;
  }
  const callData = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(callData)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      errors[`$.callData.${key}`] = [
        `The value of callData "${key}" must be a string, a number or a boolean.`,
      ];
    }
  }
  return callData;
}

export const E164 = /^\+\d{7,15}$/;

/** The rule NLPearl's phoneNumber follows here: E.164, as every public integration sends. */
export function checkPhone(phoneNumber: string, errors: FieldErrors): void {
  if (!E164.test(phoneNumber)) {
    errors.PhoneNumber = [`The phone number "${phoneNumber}" is not a valid E.164 number.`];
  }
}
