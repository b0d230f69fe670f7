export { importLeads, retryFailedRows, type ImportDependencies } from './pipeline/import-leads.js';
export type { RowStateListener } from './pipeline/row-state-sizing.js';
export { formatSummary, type ImportSummary, type StatusCounts, type StopCode } from './pipeline/summary.js';
export {
  importOptionsSchema,
  mapFileSchema,
  parseImportOptions,
  type ImportOptions,
  type ImportOptionsInput,
  type MapFile,
  type VariableType,
} from './config.js';
export {
  NlpearlLeadsError,
  UsageError,
  InputError,
  ApiRejectedError,
  type ErrorCode,
  type FatalExitCode,
} from './errors.js';
export type { LeadBody, RowOutcome, RowStatus } from './types.js';
export { NlpearlClient, type NlpearlClientOptions } from './upload/nlpearl-client.js';
export {
  decideRetry,
  parseRetryAfter,
  type RetryDecision,
  type RetryPolicyOptions,
} from './upload/retry-policy.js';
export { normalizePhone, type PhoneResult } from './mapping/phone.js';
export { normalizeTimeZone, windowsTimeZoneIds, type TimeZoneResult } from './mapping/time-zone.js';
export { startSandbox, type Sandbox, type SandboxOptions, type Faults } from './sandbox/server.js';
export { main } from './cli/main.js';
export type { CliIo } from './cli/io.js';
