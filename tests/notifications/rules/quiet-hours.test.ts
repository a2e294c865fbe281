import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyQuietHours, isQuietHour } from "~/notifications/rules/policy";
import { wallTimeAt } from "~/lib/time";

const at = (iso: string) => new Date(iso);

describe("isQuietHour", () => {
  it("handles windows crossing midnight (start inclusive, end exclusive)", () => {
    expect([20, 21, 23, 0, 7, 8].map((h) => isQuietHour(h, 21, 8))).toEqual([false, true, true, true, true, false]);
  });
  it("handles windows within a day", () => {
    expect([11, 12, 13, 14].map((h) => isQuietHour(h, 12, 14))).toEqual([false, true, true, false]);
  });
  it("treats start === end as no quiet hours", () => {
    expect(isQuietHour(3, 8, 8)).toBe(false);
  });
});

describe("applyQuietHours", () => {
  it("leaves a time outside the window alone", () => {
    const t = at("2026-06-10T16:00:00Z"); // 12:00 in New York
    expect(applyQuietHours(t, "America/New_York", 21, 8)).toEqual(t);
  });

  it("defers a late-evening message to the next morning in the customer's zone", () => {
    // 22:15 EDT on June 10 → 08:00 EDT on June 11
    expect(applyQuietHours(at("2026-06-11T02:15:00Z"), "America/New_York", 21, 8)).toEqual(at("2026-06-11T12:00:00Z"));
  });

  it("defers an after-midnight message to the same morning", () => {
    // 03:00 EDT → 08:00 EDT the same day
    expect(applyQuietHours(at("2026-06-11T07:00:00Z"), "America/New_York", 21, 8)).toEqual(at("2026-06-11T12:00:00Z"));
  });

  it("starts the window at its start hour exactly and ends it at its end hour exactly", () => {
    expect(applyQuietHours(at("2026-06-11T00:59:59Z"), "America/New_York", 21, 8)).toEqual(at("2026-06-11T00:59:59Z")); // 20:59:59
    expect(applyQuietHours(at("2026-06-11T01:00:00Z"), "America/New_York", 21, 8)).toEqual(at("2026-06-11T12:00:00Z")); // 21:00
    expect(applyQuietHours(at("2026-06-11T12:00:00Z"), "America/New_York", 21, 8)).toEqual(at("2026-06-11T12:00:00Z")); // 08:00
  });

  it("uses the customer's zone, not UTC or the server's", () => {
    const t = at("2026-06-11T02:15:00Z"); // 22:15 New York, 19:15 Los Angeles, 04:15 Paris
    expect(applyQuietHours(t, "America/Los_Angeles", 21, 8)).toEqual(t);
    expect(applyQuietHours(t, "Europe/Paris", 21, 8)).toEqual(at("2026-06-11T06:00:00Z")); // 08:00 CEST
  });

  it("handles windows that do not cross midnight", () => {
    // 12:30 in Paris with a 12–14 lunch window → 14:00 CEST
    expect(applyQuietHours(at("2026-06-11T10:30:00Z"), "Europe/Paris", 12, 14)).toEqual(at("2026-06-11T12:00:00Z"));
  });

  it("does nothing when start === end", () => {
    const t = at("2026-06-11T02:15:00Z");
    expect(applyQuietHours(t, "America/New_York", 8, 8)).toEqual(t);
  });

  it("handles zones with quarter-hour offsets", () => {
    // Kathmandu is UTC+05:45: 23:00 local on June 10 = 17:15Z; 08:00 local on June 11 = 02:15Z
    expect(applyQuietHours(at("2026-06-10T17:15:00Z"), "Asia/Kathmandu", 21, 8)).toEqual(at("2026-06-11T02:15:00Z"));
  });

  it("falls back to UTC for an unknown zone rather than dropping", () => {
    expect(applyQuietHours(at("2026-06-10T23:00:00Z"), "Mars/Olympus_Mons", 21, 8)).toEqual(at("2026-06-11T08:00:00Z"));
  });

  describe("DST", () => {
    it("America/New_York, fall back (2026-11-01): a 25-hour day ends quiet hours at 08:00 EST", () => {
      // 23:00 EDT on Oct 31 = 03:00Z. 08:00 EST on Nov 1 = 13:00Z (a fixed EDT offset would give 12:00Z).
      expect(applyQuietHours(at("2026-11-01T03:00:00Z"), "America/New_York", 21, 8)).toEqual(
        at("2026-11-01T13:00:00Z"),
      );
      // 01:30 EDT (first occurrence) and 01:30 EST (second) both wait for 08:00 EST.
      expect(applyQuietHours(at("2026-11-01T05:30:00Z"), "America/New_York", 21, 8)).toEqual(
        at("2026-11-01T13:00:00Z"),
      );
      expect(applyQuietHours(at("2026-11-01T06:30:00Z"), "America/New_York", 21, 8)).toEqual(
        at("2026-11-01T13:00:00Z"),
      );
    });

    it("America/New_York, fall back: a window ending at the repeated hour ends at its first occurrence", () => {
      // Quiet 00–01: 00:30 EDT (04:30Z) resumes at 01:00 EDT (05:00Z); 01:30 EST (06:30Z) is not quiet.
      expect(applyQuietHours(at("2026-11-01T04:30:00Z"), "America/New_York", 0, 1)).toEqual(at("2026-11-01T05:00:00Z"));
      expect(applyQuietHours(at("2026-11-01T06:30:00Z"), "America/New_York", 0, 1)).toEqual(at("2026-11-01T06:30:00Z"));
    });

    it("America/New_York, spring forward (2026-03-08): 08:00 EDT", () => {
      // 22:00 EST on Mar 7 = 03:00Z on Mar 8; 08:00 EDT on Mar 8 = 12:00Z (a fixed EST offset would give 13:00Z).
      expect(applyQuietHours(at("2026-03-08T03:00:00Z"), "America/New_York", 21, 8)).toEqual(
        at("2026-03-08T12:00:00Z"),
      );
    });

    it("Europe/Paris, spring forward (2026-03-29): 08:00 CEST", () => {
      // 23:00 CET on Mar 28 = 22:00Z; 08:00 CEST on Mar 29 = 06:00Z (a fixed CET offset would give 07:00Z).
      expect(applyQuietHours(at("2026-03-28T22:00:00Z"), "Europe/Paris", 22, 8)).toEqual(at("2026-03-29T06:00:00Z"));
    });

    it("Europe/Paris, spring forward: a window ending in the skipped hour ends when the gap does", () => {
      // Quiet 00–02 on Mar 29: 02:00 never happens (01:59:59 CET → 03:00 CEST = 01:00Z).
      expect(applyQuietHours(at("2026-03-28T23:30:00Z"), "Europe/Paris", 0, 2)).toEqual(at("2026-03-29T01:00:00Z"));
    });

    it("Europe/Paris, fall back (2026-10-25): 08:00 CET", () => {
      expect(applyQuietHours(at("2026-10-24T21:00:00Z"), "Europe/Paris", 22, 8)).toEqual(at("2026-10-25T07:00:00Z"));
    });
  });

  it("never drops: the result is never earlier, outside quiet hours, the earliest such time, at most a day later", () => {
    const zones = [
      "America/New_York",
      "Europe/Paris",
      "Australia/Lord_Howe",
      "Asia/Kathmandu",
      "America/St_Johns",
      "Pacific/Chatham",
      "UTC",
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2025-01-01T00:00:00Z"), max: new Date("2028-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 23 }),
        (t, tz, start, end) => {
          const r = applyQuietHours(t, tz, start, end);
          expect(r.getTime()).toBeGreaterThanOrEqual(t.getTime());
          expect(r.getTime() - t.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
          expect(isQuietHour(wallTimeAt(r, tz).hour, start, end)).toBe(false);
          if (!isQuietHour(wallTimeAt(t, tz).hour, start, end)) expect(r).toEqual(t);
          // Earliest: a minute before the resume time it was still quiet.
          else expect(isQuietHour(wallTimeAt(new Date(r.getTime() - 60_000), tz).hour, start, end)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
