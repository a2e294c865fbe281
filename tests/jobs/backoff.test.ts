import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyProviderError, MAX_SEND_ATTEMPTS, RETRY_BASE_MS, RETRY_CAP_MS, RETRY_MIN_MS, retryDelay } from "~/jobs/backoff";

describe("retryDelay", () => {
  it("grows exponentially up to the cap (upper bound with random → 1)", () => {
    const top = (n: number) => retryDelay(n, () => 0.999_999_9);
    expect(top(1)).toBe(Math.floor(0.999_999_9 * RETRY_BASE_MS));
    expect(top(2)).toBe(Math.floor(0.999_999_9 * RETRY_BASE_MS * 2));
    expect(top(3)).toBe(Math.floor(0.999_999_9 * RETRY_BASE_MS * 4));
    expect(top(50)).toBeLessThan(RETRY_CAP_MS);
    expect(top(50)).toBeGreaterThan(RETRY_CAP_MS - 100);
    expect(top(10_000)).toBeLessThan(RETRY_CAP_MS);
  });

  it("uses full jitter: anything from the floor up to the ceiling", () => {
    expect(retryDelay(5, () => 0)).toBe(RETRY_MIN_MS);
    expect(retryDelay(5, () => 0.5)).toBe(RETRY_BASE_MS * 16 * 0.5);
  });

  it("stays within bounds for any attempt and random value", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const d = retryDelay(attempt, () => r);
        const n = Math.max(1, attempt);
        const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(n - 1, 60));
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(RETRY_MIN_MS);
        expect(d).toBeLessThanOrEqual(Math.max(RETRY_MIN_MS, ceiling));
      }),
    );
  });

  it("survives a broken random source", () => {
    expect(retryDelay(3, () => Number.NaN)).toBe(RETRY_MIN_MS);
    expect(retryDelay(3, () => 7)).toBeLessThan(RETRY_BASE_MS * 4);
  });

  it("honours custom base and cap", () => {
    expect(retryDelay(10, () => 0.999, { baseMs: 100, capMs: 1_000, minMs: 10 })).toBe(999);
  });

  it("spreads retries (mean near half the ceiling)", () => {
    let seed = 42;
    const lcg = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 2000 }, () => retryDelay(4, lcg));
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeGreaterThan(RETRY_BASE_MS * 8 * 0.4);
    expect(mean).toBeLessThan(RETRY_BASE_MS * 8 * 0.6);
    expect(MAX_SEND_ATTEMPTS).toBeGreaterThan(1);
  });
});

describe("classifyProviderError", () => {
  it.each([
    [{ status: 429 }, "transient"],
    [{ status: 500 }, "transient"],
    [{ status: 502 }, "transient"],
    [{ status: 503, message: "Service Unavailable" }, "transient"],
    [{ status: 408 }, "transient"],
    [{ code: "ECONNRESET" }, "transient"],
    [{ code: "ETIMEDOUT" }, "transient"],
    [{ code: "EAI_AGAIN" }, "transient"],
    [{ code: "UND_ERR_SOCKET" }, "transient"],
    [{ message: "socket hang up" }, "transient"],
    [{ code: 20429, status: 429 }, "transient"],
    [{ code: 30001 }, "transient"],
    [{}, "transient"],
    // SendGrid
    [{ status: 400, message: "The to.email field does not contain a valid address." }, "permanent"],
    [{ status: 401, message: "The provided authorization grant is invalid, expired, or revoked" }, "permanent"],
    [{ status: 403, message: "The from address does not match a verified Sender Identity" }, "permanent"],
    [{ message: "Recipient is unsubscribed" }, "permanent"],
    [{ message: "Address is blocked" }, "permanent"],
    // Twilio
    [{ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." }, "permanent"],
    [{ status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" }, "permanent"],
    [{ status: 400, code: 21614, message: "'To' number is not a valid mobile number" }, "permanent"],
    [{ status: 400, code: 21408 }, "permanent"],
    [{ code: 30003 }, "permanent"],
    [{ code: 30004 }, "permanent"],
    [{ code: 30005 }, "permanent"],
    [{ code: 30006 }, "permanent"],
    [{ code: 30007 }, "permanent"],
    [{ code: "21211" }, "permanent"],
    [{ status: 401, code: 20003 }, "permanent"],
  ] as const)("%j → %s", (error, kind) => {
    expect(classifyProviderError(error)).toBe(kind);
  });

  it("lets a known transient code win over a 4xx status", () => {
    expect(classifyProviderError({ status: 400, code: 30001 })).toBe("transient");
  });

  it("lets a network error code win over a misleading message", () => {
    expect(classifyProviderError({ code: "ECONNRESET", message: "invalid address" })).toBe("transient");
  });
});
