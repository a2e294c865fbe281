import { describe, expect, it } from "vitest";
import { normalizePhone } from "~/lib/phone";

describe("normalizePhone", () => {
  it.each([
    ["+1 (415) 555-2671", undefined, "+14155552671"],
    ["(415) 555-2671", "US", "+14155552671"],
    ["415.555.2671", "us", "+14155552671"],
    ["06 12 34 56 78", "FR", "+33612345678"],
    ["0033 6 12 34 56 78", "FR", "+33612345678"],
    ["+33 6 12 34 56 78", "US", "+33612345678"], // an explicit + wins over the default country
    ["0151 23456789", "DE", "+4915123456789"],
    ["+1 415 555 2671 ext. 12", undefined, "+14155552671"],
  ])("%s (%s) → %s", (raw, country, expected) => {
    expect(normalizePhone(raw, country)).toBe(expected);
  });

  it.each([
    ["", "US"],
    ["   ", "US"],
    ["abc", "US"],
    ["12345", "US"],
    ["(415) 555-2671", undefined], // national format without a country
    ["(415) 555-2671", "ZZ"],
    ["+1 555 555 5555", undefined], // not a valid North American number
  ])("rejects %j (%s)", (raw, country) => {
    expect(normalizePhone(raw, country)).toBeNull();
  });

  it("rejects non-strings", () => {
    expect(normalizePhone(null)).toBeNull();
    expect(normalizePhone(undefined)).toBeNull();
  });
});
