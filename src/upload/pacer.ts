/** Paces every request, first tries, retries and lookups alike (see RateLimiter, CircuitBreaker). */
export interface Pacer {
  acquire(signal?: AbortSignal): Promise<void>;
  /** A 429; `retryAfterMs` is the server's pause, already parsed and capped (retry-policy's serverPause). */
  onThrottled(retryAfterMs?: number): void;
  onSuccess(): void;
  /** A 5xx or network fault: the circuit breaker counts these. */
  onTransientFailure?(stop: AbortSignal): void;
}
