import { describe, expect, it } from "vitest";
import { addBusinessHours, buildCalendar, businessHoursBetween } from "~/intelligence/rules/business-hours";
import { publicHolidays } from "~/lib/holidays";
import { mulberry32 } from "./synthetic";

const NY = "America/New_York";
const at = (iso: string) => new Date(iso);

describe("business hours on a shop's calendar", () => {
  const cal = buildCalendar(
    { timeZone: NY, daysOff: publicHolidays("US", 2026, 2027) },
    at("2026-11-01T12:00:00Z"),
    at("2027-01-31T12:00:00Z"),
  );

  it("skips the weekend on the shop's calendar, not UTC's", () => {
    // Friday 15:00 → Monday 10:00 in New York: 9 h of Friday + 10 h of Monday.
    expect(businessHoursBetween(cal, at("2026-11-20T20:00:00Z"), at("2026-11-23T15:00:00Z"))).toBeCloseTo(19, 6);
    // Friday 21:00 in New York is already Saturday in UTC: still 3 h of Friday.
    expect(businessHoursBetween(cal, at("2026-11-21T02:00:00Z"), at("2026-11-23T05:00:00Z"))).toBeCloseTo(3, 6);
  });

  it("skips public holidays (Thanksgiving, Christmas) from date-holidays", () => {
    expect(publicHolidays("US", 2026, 2026)).toContain("2026-11-26");
    // Wednesday noon + 24 business hours: Thursday is Thanksgiving, so Friday noon.
    expect(addBusinessHours(cal, at("2026-11-25T17:00:00Z"), 24).toISOString()).toBe("2026-11-27T17:00:00.000Z");
    // Thursday Dec 24 noon + 24 h: Friday is Christmas, then the weekend: Monday noon.
    expect(addBusinessHours(cal, at("2026-12-24T17:00:00Z"), 24).toISOString()).toBe("2026-12-28T17:00:00.000Z");
  });

  it("counts the merchant's closure days like holidays", () => {
    const closed = buildCalendar({ timeZone: NY, daysOff: ["2026-12-02"] }, at("2026-12-01T12:00:00Z"));
    expect(addBusinessHours(closed, at("2026-12-01T17:00:00Z"), 24).toISOString()).toBe("2026-12-03T17:00:00.000Z");
  });

  it("starts a positive amount from a day off at the next business day; zero stays put", () => {
    const saturday = at("2026-11-21T15:00:00Z");
    expect(addBusinessHours(cal, saturday, 0)).toBe(saturday);
    expect(addBusinessHours(cal, saturday, 2).toISOString()).toBe("2026-11-23T07:00:00.000Z"); // Monday 02:00
  });

  it("counts a DST day as the hours it has", () => {
    const everyDay = buildCalendar({ timeZone: NY, weekend: [] }, at("2026-11-01T12:00:00Z"));
    // Sunday Nov 1 2026 has 25 hours in New York.
    expect(businessHoursBetween(everyDay, at("2026-11-01T04:00:00Z"), at("2026-11-02T05:00:00Z"))).toBeCloseTo(25, 6);
  });

  it("adding is the inverse of measuring (seeded instants)", () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 200; i++) {
      const from = new Date(at("2026-11-02T00:00:00Z").getTime() + rng() * 40 * 86_400_000);
      const hours = rng() * 300;
      const to = addBusinessHours(cal, from, hours);
      const back = businessHoursBetween(cal, from, to);
      // From a day off, the clock starts at the next business day, so the measure is exact either way.
      expect(back).toBeCloseTo(hours, 6);
    }
  });

  it("an unknown zone counts on UTC's calendar", () => {
    const utc = buildCalendar({ timeZone: "Mars/Olympus" }, at("2026-11-20T12:00:00Z"));
    expect(businessHoursBetween(utc, at("2026-11-20T20:00:00Z"), at("2026-11-23T02:00:00Z"))).toBeCloseTo(6, 6);
  });
});
