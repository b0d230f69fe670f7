export { importLeads, retryFailedRows, type ImportDependencies } from './pipeline/import-leads.js';
export type { CanaryLead } from './pipeline/canary-leads.js';
export type { RowProblem, RunProgress } from './pipeline/run-tally.js';
export { formatSummary, type ImportSummary, type StatusCounts, type StopCode } from './pipeline/summary.js';
export {
  importOptionsSchema,
  mapFileSchema,
  parseImportOptions,
  type ImportOptions,
  type ImportOptionsInput,
  type MapFile,
  type ParseResult,
  type VariableType,
} from './config.js';
export {
  NlpearlLeadsError,
  UsageError,
  InputError,
  ApiRejectedError,
  OutputError,
  type ErrorCode,
  type UsageErrorCode,
  type InputErrorCode,
  type ApiErrorCode,
  type OutputErrorCode,
} from './errors.js';
export { LedgerError, type LedgerErrorCode } from './ledger/errors.js';
export type { RowStatus } from './types.js';
