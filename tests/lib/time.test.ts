import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  addBusinessDays,
  addLocalDays,
  dayKey,
  dayStart,
  instantOf,
  isValidTimeZone,
  localDateKey,
  pickTimeZone,
  wallTimeAt,
} from "~/lib/time";

const at = (iso: string) => new Date(iso);
/** "Wed 18:00" in a zone: weekday and wall-clock time, as a shop owner would read them. */
const local = (d: Date, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit" }).format(d);

describe("zones", () => {
  it("knows IANA names, links and UTC, and falls back to UTC for anything else", () => {
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("US/Eastern")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(isValidTimeZone(null)).toBe(false);
    expect(pickTimeZone(null, "Mars/Olympus_Mons", "Europe/Berlin", "Asia/Tokyo")).toBe("Europe/Berlin");
    expect(pickTimeZone(undefined, "")).toBe("UTC");
  });

  it("refuses an unknown zone without echoing it", () => {
    expect(() => wallTimeAt(at("2026-01-01T00:00:00Z"), "Mars/Olympus_Mons")).toThrow(RangeError);
    expect(() => wallTimeAt(at("2026-01-01T00:00:00Z"), "Mars/Olympus_Mons")).not.toThrow(/Mars/);
  });
});

describe("wall time", () => {
  it("reads the local wall time of an instant, seconds truncated", () => {
    expect(wallTimeAt(at("2026-11-25T16:00:59.999Z"), "America/New_York")).toEqual({
      year: 2026,
      month: 11,
      day: 25,
      hour: 11,
      minute: 0,
      second: 59,
    });
    expect(wallTimeAt(at("2026-06-10T17:15:00Z"), "Asia/Kathmandu")).toEqual({
      year: 2026,
      month: 6,
      day: 10,
      hour: 23,
      minute: 0,
      second: 0,
    });
  });

  it("resolves wall times through DST gaps and overlaps", () => {
    // Overlap: 01:30 on 2026-11-01 in New York happens twice; the earlier (EDT) wins.
    expect(instantOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 }, "America/New_York")).toEqual(
      at("2026-11-01T05:30:00Z"),
    );
    // Gap: 02:30 on 2026-03-29 in Paris does not exist; it resolves to 03:30 CEST.
    expect(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, "Europe/Paris")).toEqual(
      at("2026-03-29T01:30:00Z"),
    );
    // Overlap in the southern hemisphere, in April: 02:30 on 2025-04-06 in Sydney, AEDT first.
    expect(instantOf({ year: 2025, month: 4, day: 6, hour: 2, minute: 30, second: 0 }, "Australia/Sydney")).toEqual(
      at("2025-04-05T15:30:00Z"),
    );
  });

  it("rolls fields over on the calendar", () => {
    expect(instantOf({ year: 2026, month: 1, day: 32, hour: 25, minute: 0, second: 0 }, "UTC")).toEqual(
      at("2026-02-02T01:00:00Z"),
    );
    expect(instantOf({ year: 2026, month: 13, day: 1, hour: 0, minute: 0, second: 0 }, "Asia/Tokyo")).toEqual(
      at("2026-12-31T15:00:00Z"),
    );
  });

  it("adds calendar days to a wall time, across months, leap days and years", () => {
    const w = { year: 2024, month: 2, day: 28, hour: 5, minute: 6, second: 7 };
    expect(addLocalDays(w, 1)).toEqual({ ...w, day: 29 });
    expect(addLocalDays(w, 2)).toEqual({ ...w, month: 3, day: 1 });
    expect(addLocalDays({ ...w, month: 12, day: 31 }, 1)).toEqual({ ...w, year: 2025, month: 1, day: 1 });
    expect(addLocalDays(w, -28)).toEqual({ ...w, month: 1, day: 31 });
  });
});

describe("day keys", () => {
  it("formats the local date in the zone", () => {
    expect(localDateKey(at("2026-11-25T16:00:00Z"), "Asia/Tokyo")).toBe("2026-11-26");
    expect(localDateKey(at("2026-11-25T16:00:00Z"), "America/Los_Angeles")).toBe("2026-11-25");
  });

  it("keys daily rows by the UTC day, and finds a day's first instant", () => {
    expect(dayKey(at("2025-03-31T23:59:59.999Z"))).toBe("2025-03-31");
    expect(dayKey(at("2025-04-01T00:00:00Z"))).toBe("2025-04-01");
    expect(dayStart("2025-03-31")).toEqual(at("2025-03-31T00:00:00Z"));
    expect(dayStart(dayKey(at("2024-02-29T13:00:00Z")))).toEqual(at("2024-02-29T00:00:00Z"));
    for (const bad of ["2025-02-30", "2025-13-01", "2025-3-1", "not a day", ""]) expect(dayStart(bad), bad).toBeNull();
  });
});

describe("business days", () => {
  it("steps over weekends to Monday", () => {
    expect(addBusinessDays(at("2025-05-10T09:00:00Z"), 1).toISOString()).toBe("2025-05-12T09:00:00.000Z"); // Sat → Mon
    expect(addBusinessDays(at("2025-05-09T09:00:00Z"), 1).toISOString()).toBe("2025-05-12T09:00:00.000Z"); // Fri → Mon
    expect(addBusinessDays(at("2025-05-09T09:00:00Z"), 0).toISOString()).toBe("2025-05-09T09:00:00.000Z");
    expect(addBusinessDays(at("2025-05-05T09:00:00Z"), 7).toISOString()).toBe("2025-05-14T09:00:00.000Z"); // Mon → next Wed
    expect(addBusinessDays(at("2025-05-05T09:00:00Z"), -2).toISOString()).toBe("2025-05-05T09:00:00.000Z"); // never backwards
  });

  it("counts on the shop's calendar, not UTC's", () => {
    // Friday 8 pm in New York is already Saturday in UTC.
    const fridayEvening = at("2025-05-10T00:00:00Z");
    // On New York's calendar, Friday + 1 is Monday 8 pm there; on UTC's it would land on Sunday evening in New York.
    expect(addBusinessDays(fridayEvening, 1, "America/New_York").toISOString()).toBe("2025-05-13T00:00:00.000Z");
    expect(addBusinessDays(fridayEvening, 1).toISOString()).toBe("2025-05-12T00:00:00.000Z");
    // An unknown or missing zone counts on UTC's calendar rather than failing a prediction.
    expect(addBusinessDays(fridayEvening, 1, "Mars/Olympus_Mons").toISOString()).toBe("2025-05-12T00:00:00.000Z");
    expect(addBusinessDays(fridayEvening, 1, null).toISOString()).toBe("2025-05-12T00:00:00.000Z");
  });

  // 18:00 local on the Friday before each change. Monday is then 71 or 73 hours later, not 72:
  // a 24-hour step per day (the old arithmetic) would say 17:00 or 19:00.
  it.each([
    ["America/New_York", "2025-03-07T23:00:00Z", "2025-03-10T22:00:00.000Z"], // spring forward, Sun Mar 9
    ["America/New_York", "2025-10-31T22:00:00Z", "2025-11-03T23:00:00.000Z"], // fall back, Sun Nov 2
    ["Europe/Berlin", "2025-03-28T17:00:00Z", "2025-03-31T16:00:00.000Z"], // Sun Mar 30
    ["Europe/Berlin", "2025-10-24T16:00:00Z", "2025-10-27T17:00:00.000Z"], // Sun Oct 26
    ["Australia/Sydney", "2025-04-04T07:00:00Z", "2025-04-07T08:00:00.000Z"], // fall back, Sun Apr 6
    ["Australia/Sydney", "2025-10-03T08:00:00Z", "2025-10-06T07:00:00.000Z"], // spring forward, Sun Oct 5
    ["America/Phoenix", "2025-03-08T01:00:00Z", "2025-03-11T01:00:00.000Z"], // no DST: exactly 72 h
  ])("keeps 18:00 local from the Friday before a DST change to Monday: %s %s", (zone, friday, monday) => {
    expect(local(at(friday), zone)).toBe("Fri 18:00");
    const r = addBusinessDays(at(friday), 1, zone);
    expect(r.toISOString()).toBe(monday);
    expect(local(r, zone)).toBe("Mon 18:00");
    // Further business days stay at 18:00 too, a week on.
    expect(local(addBusinessDays(at(friday), 5, zone), zone)).toBe("Fri 18:00");
  });

  it("keeps the time of day of a late-evening order and of one in the small hours around a change", () => {
    // Fri 23:30 EST (Sat 04:30Z): Monday 23:30 EDT, not Monday 00:30 (where 24-hour steps arrive).
    expect(local(addBusinessDays(at("2025-03-08T04:30:00Z"), 1, "America/New_York"), "America/New_York")).toBe(
      "Mon 23:30",
    );
    // Sat 02:30 EST, the night before the gap: Monday 02:30 EDT. Stepping a day at a time would pass
    // through Sunday's missing 02:30 and carry 03:30 on.
    expect(addBusinessDays(at("2025-03-08T07:30:00Z"), 1, "America/New_York").toISOString()).toBe(
      "2025-03-10T06:30:00.000Z",
    );
    // Sat 01:30 AEDT, the weekend Sydney's clocks go back: Monday 01:30 AEST (24-hour steps: 00:30).
    expect(local(addBusinessDays(at("2025-04-04T14:30:00Z"), 1, "Australia/Sydney"), "Australia/Sydney")).toBe(
      "Mon 01:30",
    );
  });

  it("is calendar days, not multiples of 24 hours, exactly when a change falls between", () => {
    const hours = (a: Date, b: Date) => (b.getTime() - a.getTime()) / (DAY_MS / 24);
    const friday = at("2025-03-07T23:00:00Z");
    expect(hours(friday, addBusinessDays(friday, 1, "America/New_York"))).toBe(71);
    const later = at("2025-03-14T22:00:00Z"); // the next Friday, 18:00 EDT: no change before Monday
    expect(hours(later, addBusinessDays(later, 1, "America/New_York"))).toBe(72);
  });
});
