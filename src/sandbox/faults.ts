import { z } from 'zod';
import { valueSchema } from '../options/value-schema.js';
import type { VerbatimAnswer } from './responses.js';
import { faultEntries, type Faults, type ShareName } from './switches.js';

// The fault set, its defaults and its schema come from the switch table (switches.ts).
export type { Faults } from './switches.js';

export const DEFAULT_FAULTS: Readonly<Faults> = Object.freeze(
  Object.fromEntries(
    faultEntries.map(([name, spec]) => [name, 'default' in spec ? spec.default : undefined]),
  ),
) as Faults;

/**
 * A forced answer for the next Add Lead request. A `status` answer is sent verbatim and creates no lead;
 * `createThen` creates the lead (if the body is valid), then sends its answer verbatim, e.g.
 * `{ createThen: { status: 200, body: {} } }` or, with no body, an empty 200.
 */
export type ScriptedAnswer =
  | VerbatimAnswer
  | { createThen: VerbatimAnswer }
  | { drop: true }
  | { createThenDrop: true }
  | { hang: true }
  | { textPlain: true };

/** What to do with one Add Lead request that passed authentication and names a known outbound. */
export type FaultDecision =
  | { kind: 'none' }
  | ({ kind: 'answer' } & VerbatimAnswer)
  | ({ kind: 'createThen' } & VerbatimAnswer)
  | { kind: 'drop' }
  | { kind: 'createThenDrop' }
  | { kind: 'hang' }
  | { kind: 'textPlain' };

// null is accepted for the faults without a default because JSON (the control endpoint) has no undefined.
const faultsSchema = z.strictObject(
  Object.fromEntries(
    faultEntries.map(([name, spec]) => {
      const value = valueSchema(spec, 'library');
      return [name, 'default' in spec ? value.optional() : value.nullish()];
    }),
  ),
);

const CLEARABLE = new Set<keyof Faults>(
  faultEntries.filter(([, spec]) => !('default' in spec)).map(([name]) => name),
);
const RATES = faultEntries.filter(([, spec]) => spec.share === true).map(([name]) => name as ShareName);

export type FaultsResult = { ok: true; value: Faults } | { ok: false; issues: string[] };

/**
 * Applies a partial fault set on top of `current`. A clearable fault given as undefined or null is cleared; any
 * other fault given as undefined keeps its value. Returns `"field: message"` issues instead of throwing.
 */
export function mergeFaults(current: Readonly<Faults>, input: unknown): FaultsResult {
  const parsed = faultsSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'faults'}: ${issue.message}`),
    };
  }
  const next: Faults = { ...current };
  const given = parsed.data as Record<string, unknown>;
  for (const key of Object.keys(input as object) as (keyof Faults)[]) {
    const value = given[key] ?? undefined;
    if (value === undefined && !CLEARABLE.has(key)) continue;
    (next as unknown as Record<string, unknown>)[key] = value;
  }
  const total = RATES.reduce((sum, key) => sum + next[key], 0);
  // One draw picks at most one fault, so the shares must fit in one.
  if (total > 1 + 1e-9)
    return { ok: false, issues: [`rates: they add up to ${total}, at most 1 is allowed`] };
  return { ok: true, value: next };
}

/** mulberry32: tiny, fast and good enough to make fault runs repeatable from a seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Draws one random fault. Exactly one number is drawn per call, whatever the rates, so a given seed yields
 * the same sequence of decisions even when the rates change between runs.
 */
export function drawFault(faults: Readonly<Faults>, random: () => number): FaultDecision {
  let roll = random();
  const pick = (share: number): boolean => {
    roll -= share;
    return roll < 0;
  };
  if (pick(faults.rate429)) return tooManyRequests(faults.retryAfter);
  if (pick(faults.rate5xx)) {
    return { kind: 'answer', status: 503, body: { status: 503, title: 'Service Unavailable' } };
  }
  if (pick(faults.rateDrop)) return { kind: 'drop' };
  if (pick(faults.rateCreateThenDrop)) return { kind: 'createThenDrop' };
  if (pick(faults.rateTextPlain)) return { kind: 'textPlain' };
  if (pick(faults.rateHang)) return { kind: 'hang' };
  if (pick(faults.rateNoLeadId)) return NO_LEAD_ID;
  return { kind: 'none' };
}

const NO_LEAD_ID: FaultDecision = Object.freeze({ kind: 'createThen', status: 200, body: { leadId: null } });

function tooManyRequests(retryAfter: string | undefined): FaultDecision {
  return retryAfter === undefined
    ? { kind: 'answer', status: 429 }
    : { kind: 'answer', status: 429, headers: { 'retry-after': retryAfter } };
}

function fromScript(answer: ScriptedAnswer): FaultDecision {
  if ('status' in answer) return { kind: 'answer', ...answer };
  if ('createThen' in answer) return { kind: 'createThen', ...answer.createThen };
  if ('drop' in answer) return { kind: 'drop' };
  if ('createThenDrop' in answer) return { kind: 'createThenDrop' };
  if ('hang' in answer) return { kind: 'hang' };
  return { kind: 'textPlain' };
}

/**
 * The sandbox's fault state: the current faults, the scripted queue, the seeded PRNG, the throttle window and
 * the revocation counter. `now` is a monotonic clock in ms, passed in so the caller reads it once per request.
 */
export class FaultInjector {
  #faults: Faults;
  readonly #seed: number;
  #random: () => number;
  #queue: ScriptedAnswer[] = [];
  #windowStart = Number.NEGATIVE_INFINITY;
  #windowCount = 0;
  #addLeadsSinceRevokeSet = 0;

  constructor(faults: Partial<Faults> = {}, seed = 1) {
    this.#faults = { ...DEFAULT_FAULTS };
    this.set(faults);
    this.#seed = seed;
    this.#random = createRandom(seed);
  }

  get faults(): Readonly<Faults> {
    return this.#faults;
  }

  /** Throws a RangeError listing every issue, so a typo in a test or a flag fails loudly. */
  set(input: unknown): void {
    const result = mergeFaults(this.#faults, input);
    if (!result.ok) throw new RangeError(`Invalid sandbox faults: ${result.issues.join('; ')}`);
    if (input !== null && typeof input === 'object' && 'revokeAfter' in input)
      this.#addLeadsSinceRevokeSet = 0;
    this.#faults = result.value;
  }

  enqueue(answers: readonly ScriptedAnswer[]): void {
    this.#queue.push(...answers);
  }

  /** Whether the token counts as revoked for requests other than Add Lead. */
  get revoked(): boolean {
    const limit = this.#faults.revokeAfter;
    return limit !== undefined && this.#addLeadsSinceRevokeSet >= limit;
  }

  /** Counts one Add Lead request; true when it arrives after the revocation point. */
  countAddLead(): boolean {
    const revoked = this.revoked;
    this.#addLeadsSinceRevokeSet += 1;
    return revoked;
  }

  /** Scripted answers first, then the throttle, then one random draw. */
  decide(now: number): FaultDecision {
    const scripted = this.#queue.shift();
    if (scripted !== undefined) return fromScript(scripted);
    const rps = this.#faults.throttleRps;
    if (rps !== undefined) {
      // A window starts at the first request after the previous one ended, so a burst never straddles two.
      if (now - this.#windowStart >= 1000) {
        this.#windowStart = now;
        this.#windowCount = 0;
      }
      this.#windowCount += 1;
      if (this.#windowCount > rps) return tooManyRequests('1');
    }
    return drawFault(this.#faults, this.#random);
  }

  /** Forgets the queue and the counters and reseeds the PRNG, so a reset sandbox repeats its first run. */
  reset(): void {
    this.#queue = [];
    this.#windowStart = Number.NEGATIVE_INFINITY;
    this.#windowCount = 0;
    this.#addLeadsSinceRevokeSet = 0;
    this.#random = createRandom(this.#seed);
  }
}
