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
import { isLeadStatus } from './lead-status.js';
import type { LeadStatus } from './lead-status.js';

/** Add Lead's body, as validated. */
export interface AddLeadInput {
  phoneNumber: string;
  externalId: string | null;
  timeZoneId: string | null;
  callData: Record<string, unknown> | null;
}

/**
 * Update Lead's body, as validated: only the values given are changed. A null counts as not given, as a C#
 * request model cannot tell null from absent (whether NLPearl can clear a field is not documented). A callData
 * given replaces the lead's whole callData (whether NLPearl merges keys is not documented).
 */
export interface UpdateLeadInput {
  phoneNumber?: string;
  externalId?: string;
  timeZoneId?: string;
  callData?: Record<string, unknown>;
  status?: LeadStatus;
}

/** Search Leads' body, as validated. */
export interface SearchQuery {
  skip: number;
  limit: number;
  sortProp: string | null;
  isAscending: boolean;
  statuses: LeadStatus[] | null;
  searchInput: string | null;
}

const STATUS_TYPE = 'NLPearl.Api.Models.LeadStatus';

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

export function validateUpdateLead(body: JsonBody): Validated<UpdateLeadInput> {
  const bound = bindObject(body, 'NLPearl.Api.Models.UpdateLeadRequest');
  if (!bound.ok) return bound;
  const record = bound.value;
  const errors: FieldErrors = {};
  const changes: UpdateLeadInput = {};
  const phoneNumber = optionalString(record, 'phoneNumber', errors);
  if (phoneNumber !== null) {
    checkPhone(phoneNumber, errors);
    changes.phoneNumber = phoneNumber;
  }
  const externalId = optionalString(record, 'externalId', errors);
  if (externalId !== null) changes.externalId = externalId;
  const timeZoneId = optionalString(record, 'timeZoneId', errors);
  if (timeZoneId !== null) changes.timeZoneId = timeZoneId;
  const callData = optionalCallData(record, errors);
  if (callData !== null) changes.callData = callData;
  const status = record.status ?? null;
  if (status !== null) {
    if (isLeadStatus(status)) changes.status = status;
    else statusError(status, '$.status', 'Status', errors);
  }
  return done(errors, changes);
}

/**
 * Refuses a status that is not a documented integer. Stricter than ASP.NET's default enum binding, which takes
 * any integer: an undocumented value is a client's mistake, and the sandbox shows it.
 */
function statusError(value: unknown, path: string, property: string, errors: FieldErrors): void {
  if (typeof value === 'number' && Number.isInteger(value))
    errors[property] = [`The field ${property} is invalid.`];
  else errors[path] = [notConvertible(STATUS_TYPE, path)];
}

/** Delete Leads' bodies: `{leadIds: [...]}`, or `{leadExternalIds: [...]}` for the External route. */
export function validateDeleteLeads(body: JsonBody, key: 'leadIds' | 'leadExternalIds'): Validated<string[]> {
  const bound = bindObject(body, 'NLPearl.Api.Models.DeleteLeadsRequest');
  if (!bound.ok) return bound;
  const errors: FieldErrors = {};
  const ids = bound.value[key] ?? null;
  const property = key === 'leadIds' ? 'LeadIds' : 'LeadExternalIds';
  if (ids === null) errors[property] = [requiredField(property)];
  else if (!Array.isArray(ids))
    errors[`$.${key}`] = [notConvertible('System.Collections.Generic.List', `$.${key}`)];
  else {
    ids.forEach((id, index) => {
      if (typeof id !== 'string')
        errors[`$.${key}[${index}]`] = [notConvertible('System.String', `$.${key}[${index}]`)];
    });
  }
  return done(errors, Array.isArray(ids) ? (ids as string[]) : []);
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
  } else if (statuses !== null) {
    (statuses as unknown[]).forEach((status, index) => {
      if (!isLeadStatus(status)) statusError(status, `$.statuses[${index}]`, 'Statuses', errors);
    });
  }
  const sortProp = optionalString(record, 'sortProp', errors);
  const searchInput = optionalString(record, 'searchInput', errors);
  return done(errors, {
    skip,
    limit,
    sortProp,
    isAscending: isAscending === true,
    statuses: Array.isArray(statuses) ? (statuses as LeadStatus[]) : null,
    searchInput,
  });
}
