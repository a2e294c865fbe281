// The one backoff (exponential, full jitter, floored) and the policies built on it: the queue's job
// retries (2 s base, 1 h cap) and the provider retries (30 s base, 6 h cap). Every random source here is
// deterministic, so the distribution checks are exact, not statistical.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MIN_MS, retryDelay, type RetryOptions } from "~/jobs/backoff";
import { backoffMs, QUEUE_BACKOFF } from "~/jobs/queue.server";
import { HOUR_MS } from "~/lib/time";
import { PROVIDER_RETRY, providerRetryDelay } from "~/notifications/rules/retry";

const POLICIES: Array<[string, RetryOptions, (attempt: number, random: () => number) => number]> = [
  ["queue", QUEUE_BACKOFF, backoffMs],
  ["provider", PROVIDER_RETRY, providerRetryDelay],
];

function ceilingOf(attempt: number, o: RetryOptions): number {
  return Math.min(o.capMs, o.baseMs * 2 ** Math.min(Math.max(1, attempt) - 1, 60));
}

/** The midpoints of `n` equal slices of [0, 1), one after the other: a uniform sample with no luck in it. */
function uniform(n: number): () => number {
  let i = 0;
  return () => ((i++ % n) + 0.5) / n;
}

describe("retryDelay", () => {
  it("grows exponentially up to the cap (upper bound with random → 1)", () => {
    const o = PROVIDER_RETRY;
    const top = (n: number) => retryDelay(n, () => 0.999_999_9, o);
    expect(top(1)).toBe(Math.floor(0.999_999_9 * o.baseMs));
    expect(top(2)).toBe(Math.floor(0.999_999_9 * o.baseMs * 2));
    expect(top(3)).toBe(Math.floor(0.999_999_9 * o.baseMs * 4));
    expect(top(50)).toBeLessThan(o.capMs);
    expect(top(50)).toBeGreaterThan(o.capMs - 100);
    expect(top(10_000)).toBeLessThan(o.capMs);
  });

  it("uses full jitter: anything from the floor up to the ceiling", () => {
    expect(retryDelay(5, () => 0, PROVIDER_RETRY)).toBe(PROVIDER_RETRY.minMs);
    expect(retryDelay(5, () => 0.5, PROVIDER_RETRY)).toBe(PROVIDER_RETRY.baseMs * 16 * 0.5);
  });

  it("floors at 1 s unless told otherwise, and never floors above the cap", () => {
    expect(retryDelay(3, () => 0, { baseMs: 10_000, capMs: 60_000 })).toBe(DEFAULT_MIN_MS);
    expect(retryDelay(3, () => 0, { baseMs: 10, capMs: 100, minMs: 500 })).toBe(100);
  });

  it("stays within [floor, ceiling] for any policy, attempt and random value", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 10 * HOUR_MS }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: -5, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseMs, capMs, minMs, attempt, r) => {
          const o = { baseMs, capMs, minMs };
          const d = retryDelay(attempt, () => r, o);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(Math.min(minMs, capMs));
          expect(d).toBeLessThanOrEqual(Math.max(Math.min(minMs, capMs), ceilingOf(attempt, o)));
          expect(d).toBeLessThanOrEqual(capMs);
        },
      ),
    );
  });

  it("survives a broken random source", () => {
    expect(retryDelay(3, () => Number.NaN, PROVIDER_RETRY)).toBe(PROVIDER_RETRY.minMs);
    expect(retryDelay(3, () => -1, PROVIDER_RETRY)).toBe(PROVIDER_RETRY.minMs);
    expect(retryDelay(3, () => 7, PROVIDER_RETRY)).toBeLessThan(PROVIDER_RETRY.baseMs * 4);
  });

  it("honours custom base and cap", () => {
    expect(retryDelay(10, () => 0.999, { baseMs: 100, capMs: 1_000, minMs: 10 })).toBe(999);
  });
});

describe.each(POLICIES)("the %s backoff", (_name, policy, delay) => {
  it("is the one backoff with this policy's base and cap", () => {
    for (const attempt of [1, 2, 5, 12, 40]) {
      for (const r of [0, 0.25, 0.5, 0.999]) expect(delay(attempt, () => r)).toBe(retryDelay(attempt, () => r, policy));
    }
  });

  it("gives the floor for values near 0, not half the ceiling (full jitter, not equal jitter)", () => {
    for (const attempt of [1, 4, 10, 30]) expect(delay(attempt, () => 0)).toBe(policy.minMs);
    // Equal jitter never goes below half the ceiling.
    for (const attempt of [4, 10, 30])
      expect(delay(attempt, () => 0.000_01)).toBeLessThan(ceilingOf(attempt, policy) / 4);
  });

  it("averages about half the ceiling over a uniform sequence, and never reaches past it or the cap", () => {
    for (const attempt of [4, 8, 30]) {
      const ceiling = ceilingOf(attempt, policy);
      const next = uniform(1000);
      const samples = Array.from({ length: 1000 }, () => delay(attempt, next));
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      // Equal jitter (ceiling/2 + random·ceiling/2) averages three quarters of the ceiling.
      expect(mean / ceiling).toBeGreaterThan(0.45);
      expect(mean / ceiling).toBeLessThan(0.55);
      expect(Math.min(...samples)).toBeLessThan(ceiling * 0.01 + policy.minMs!);
      expect(Math.max(...samples)).toBeLessThan(ceiling);
      expect(Math.max(...samples)).toBeLessThanOrEqual(policy.capMs);
    }
  });
});

describe("the policies", () => {
  it("queue: up to 2 s after the first failure, doubling, capped at an hour", () => {
    expect(backoffMs(1, () => 0.999_999)).toBe(1_999);
    expect(backoffMs(4, () => 0.999_999)).toBe(15_999);
    expect(backoffMs(30, () => 0.999_999)).toBeLessThan(HOUR_MS);
    expect(backoffMs(30, () => 0.999_999)).toBeGreaterThan(HOUR_MS - 10);
    expect(backoffMs(1, () => 0)).toBe(1_000);
  });

  it("provider: about 30 s after the first failure, doubling, capped at six hours", () => {
    expect(providerRetryDelay(1, () => 0.5)).toBe(15_000);
    expect(providerRetryDelay(5, () => 0.5)).toBe(240_000);
    expect(providerRetryDelay(100, () => 0.999_999)).toBeLessThan(6 * HOUR_MS);
    expect(providerRetryDelay(100, () => 0.999_999)).toBeGreaterThan(6 * HOUR_MS - 100);
  });
});
