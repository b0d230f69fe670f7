// `nlpearl-leads/sandbox`: a local NLPearl-compatible server for demos, tests and rehearsals.
export {
  startSandbox,
  SANDBOX_OUTBOUND,
  SANDBOX_TOKEN,
  type Faults,
  type LeadView,
  type Sandbox,
  type SandboxLead,
  type SandboxOptions,
  type SandboxRequest,
  type SandboxStats,
  type ScriptedAnswer,
} from './server.js';
