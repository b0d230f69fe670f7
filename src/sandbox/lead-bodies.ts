import {
  bindObject,
  checkPhone,
  notConvertible,
  optionalCallData,
  optionalString,
  problem,
  requiredField,
} from './validation.js';
import type { FieldErrors, JsonBody, Validated } from './validation.js';

/** Add Lead's body, as validated. */
export interface AddLeadInput {
  phoneNumber: string;
  externalId: string | null;
  timeZoneId: string | null;
  callData: Record<string, unknown> | null;
}

/** Search Leads' body, as validated. */
export interface SearchQuery {
  skip: number;
  limit: number;
  sortProp: string | null;
  isAscending: boolean;
  statuses: unknown[] | null;
  searchInput: string | null;
}

const done = <T>(errors: FieldErrors, value: T): Validated<T> =>
  Object.keys(errors).length > 0 ? { ok: false, problem: problem(errors) } : { ok: true, value };

export function validateAddLead(body: JsonBody): Validated<AddLeadInput> {
  const bound = bindObject(body, 'NLPearl.Api.Models.AddLeadRequest');
  if (!bound.ok) return bound;
  const record = bound.value;
  const errors: FieldErrors = {};
  const phoneNumber = optionalString(record, 'phoneNumber', errors);
  const externalId = optionalString(record, 'externalId', errors);
  const timeZoneId = optionalString(record, 'timeZoneId', errors);
  const callData = optionalCallData(record, errors);
  // [Required] on a string also rejects the empty string, with the same message.
  if (phoneNumber === null || phoneNumber === '') {
    if (errors['$.phoneNumber'] === undefined) errors.PhoneNumber = [requiredField('PhoneNumber')];
  } else checkPhone(phoneNumber, errors);
  return done(errors, { phoneNumber: phoneNumber ?? '', externalId, timeZoneId, callData });
}

export function validateSearch(body: JsonBody): Validated<SearchQuery> {
  const bound = bindObject(body, 'NLPearl.Api.Models.SearchLeadsRequest');
  if (!bound.ok) return bound;
  const record = bound.value;
  const errors: FieldErrors = {};
  // C# value types default to 0 and false when the property is absent.
  const integer = (key: string): number => {
    const value = record[key] ?? 0;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    errors[`$.${key}`] = [notConvertible('System.Int32', `$.${key}`)];
    return 0;
  };
  const skip = integer('skip');
  const limit = integer('limit');
  const isAscending = record.isAscending ?? false;
  if (typeof isAscending !== 'boolean')
    errors['$.isAscending'] = [notConvertible('System.Boolean', '$.isAscending')];
  const statuses = record.statuses ?? null;
  if (statuses !== null && !Array.isArray(statuses)) {
    errors['$.statuses'] = [notConvertible('System.Collections.Generic.List', '$.statuses')];
  }
  const sortProp = optionalString(record, 'sortProp', errors);
  const searchInput = optionalString(record, 'searchInput', errors);
  return done(errors, {
    skip,
    limit,
    sortProp,
    isAscending: isAscending === true,
    statuses: statuses as unknown[] | null,
    searchInput,
  });
}
