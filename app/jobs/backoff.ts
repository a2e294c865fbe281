// The one backoff: exponential with full jitter, floored. The queue's job retries, the worker's pauses
// while the database is away and the notifications' provider retries all call it, each with its own
// base and cap (QUEUE_BACKOFF, OUTAGE_BACKOFF, PROVIDER_RETRY). Pure: pass `random` in tests.

export interface RetryOptions {
  /** The ceiling after the first failure; it doubles with each further one. */
  baseMs: number;
  /** The ceiling never grows past this. */
  capMs: number;
  /** No delay is shorter than this (so a retry never spins); at most `capMs`. Default 1 s. */
  minMs?: number;
}

export const DEFAULT_MIN_MS = 1_000;

/**
 * Delay before the next attempt, after `attempt` failed attempts (1 = the first call failed).
 * "Full jitter" (AWS architecture blog, "Exponential Backoff And Jitter"): uniform in
 * [0, min(cap, base·2^(attempt-1))), then floored at `minMs`. Not "equal jitter" (half the ceiling
 * plus a random half), which keeps every retry of a burst at least half a ceiling away yet bunched.
 * `random` returns [0, 1) (Math.random in production); values outside are clamped.
 */
export function retryDelay(attempt: number, random: () => number, options: RetryOptions): number {
  const cap = options.capMs;
  const min = Math.min(options.minMs ?? DEFAULT_MIN_MS, cap);
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // 2^(n-1) overflows to Infinity long after the cap; Math.min handles it.
  const ceiling = Math.min(cap, options.baseMs * 2 ** Math.min(n - 1, 60));
  let r = random();
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r >= 1) r = 0.999_999;
  return Math.max(min, Math.floor(r * ceiling));
}
