import type { ValueOf, ValueSpec } from '../options/option-spec.js';
import { flagName } from '../options/yargs-flag.js';

/*
 * Every switch of the sandbox, declared once. From this table come the fault set's type, defaults and schema
 * (faults.ts) and the flags and --help of `nlpearl-leads sandbox` (command.ts). Like the option table, it
 * holds no code and loads no zod, so --help stays quick.
 */

/** A switch: a flag of `nlpearl-leads sandbox`; a fault switch is also a key of `setFaults`. */
export type SwitchSpec = Extract<ValueSpec, { type: 'number' | 'string' | 'boolean' }> & {
  /** What it does, in one line of --help; the default and the range are added from the spec. */
  readonly help: string;
  /** The flag, when it is not the kebab-case of the key. */
  readonly flag?: string;
  /**
   * A share of Add Lead requests. One random number picks at most one of the shares for a request, so
   * together they are at most 1.
   */
  readonly share?: true;
};

function share(help: string) {
  return { type: 'number', min: 0, max: 1, default: 0, share: true, help } as const;
}

/**
 * The misbehaviours the sandbox injects. A switch without a default is off until set, and set to null (or
 * undefined) it is off again.
 */
export const FAULT_SWITCHES = {
  latencyMs: {
    type: 'number',
    integer: true,
    min: 0,
    max: 600_000,
    default: 0,
    flag: 'latency',
    // At least: the sandbox's own work counts in it.
    help: "ms from each request's arrival to its answer",
  },
  rate429: share('share of Add Lead answered 429'),
  retryAfter: { type: 'string', minLength: 1, help: 'Retry-After header sent with those 429s, e.g. 1' },
  rate5xx: share('share answered 503 with a small JSON body'),
  rateDrop: share('share dropped before the lead is created'),
  rateCreateThenDrop: share('share created, then dropped without an answer'),
  rateTextPlain: share('share answered 200 text/plain with the bare leadId'),
  rateHang: share('share never answered; the lead is not created'),
  // The spec makes leadId nullable: a client must take this answer as an outcome unknown.
  rateNoLeadId: share('share created, then answered 200 {"leadId": null}'),
  revokeAfter: {
    type: 'number',
    integer: true,
    min: 0,
    // Counted from when it is set: at start for the flag.
    help: 'every API request gets 401 after this many Add Lead requests',
  },
  throttleRps: {
    type: 'number',
    integer: true,
    min: 1,
    flag: 'throttle',
    help: 'answer 429 (Retry-After: 1) above this many Add Lead requests a second',
  },
} as const satisfies Readonly<Record<string, SwitchSpec>>;

/** How the sandbox itself runs. */
export const SERVER_SWITCHES = {
  port: { type: 'number', integer: true, min: 0, max: 65_535, default: 0, help: '0 picks a free port' },
  seed: { type: 'number', help: 'seed of the fault draws, so that a run repeats' },
  record: {
    type: 'boolean',
    default: true,
    help: 'keep requests and leads in memory (--no-record: counts only)',
  },
} as const satisfies Readonly<Record<string, SwitchSpec>>;

export type FaultName = keyof typeof FAULT_SWITCHES;

/** The fault set: a switch without a default may be undefined (off). */
export type Faults = {
  -readonly [K in keyof typeof FAULT_SWITCHES]: (typeof FAULT_SWITCHES)[K] extends { default: unknown }
    ? ValueOf<(typeof FAULT_SWITCHES)[K]>
    : ValueOf<(typeof FAULT_SWITCHES)[K]> | undefined;
};

/** The faults that are shares of Add Lead requests. */
export type ShareName = {
  [K in FaultName]: (typeof FAULT_SWITCHES)[K] extends { share: true } ? K : never;
}[FaultName];

/** The sandbox command's switches as its caller gives them, each optional. */
export type SwitchValues<T> = { -readonly [K in keyof T]?: ValueOf<T[K]> };

export const faultEntries = Object.entries(FAULT_SWITCHES) as readonly (readonly [FaultName, SwitchSpec])[];
export const serverEntries = Object.entries(SERVER_SWITCHES) as readonly (readonly [
  keyof typeof SERVER_SWITCHES,
  SwitchSpec,
])[];

/** The switch's flag, without the dashes: `rate-429`, `latency`. */
export function switchFlag(name: string, spec: SwitchSpec): string {
  return spec.flag ?? flagName(name);
}
