import { describe, expect, it } from "vitest";
import { isValidTimeZone } from "~/lib/time";
import { knownAddressZones, timezoneForAddress } from "~/lib/timezones";

describe("timezoneForAddress", () => {
  it.each([
    ["US", "NY", "America/New_York"],
    ["US", "CA", "America/Los_Angeles"],
    ["US", "AZ", "America/Phoenix"],
    ["US", "TX", "America/Chicago"],
    ["US", "CO", "America/Denver"],
    ["US", "HI", "Pacific/Honolulu"],
    ["US", "AK", "America/Anchorage"],
    ["us", "ny", "America/New_York"],
    ["US", "US-OH", "America/New_York"],
    ["US", null, "America/Chicago"],
    ["CA", "QC", "America/Toronto"],
    ["CA", "BC", "America/Vancouver"],
    ["CA", "NL", "America/St_Johns"],
    ["CA", "SK", "America/Regina"],
    ["AU", "WA", "Australia/Perth"],
    ["AU", "QLD", "Australia/Brisbane"],
    ["AU", "NSW", "Australia/Sydney"],
    ["BR", "AM", "America/Manaus"],
    ["BR", "SP", "America/Sao_Paulo"],
    ["MX", "Q ROO", "America/Cancun"],
    ["MX", "ROO", "America/Cancun"],
    ["MX", "BC", "America/Tijuana"],
    ["MX", "SON", "America/Hermosillo"],
    ["MX", "JAL", "America/Mexico_City"],
    ["ES", "TF", "Atlantic/Canary"],
    ["ES", "M", "Europe/Madrid"],
    ["FR", null, "Europe/Paris"],
    ["GB", "ENG", "Europe/London"],
    ["DE", "BY", "Europe/Berlin"],
    ["JP", null, "Asia/Tokyo"],
    ["ZZ", null, "UTC"],
    ["", null, "UTC"],
    [null, "NY", "UTC"],
  ])("%s/%s → %s", (country, province, zone) => {
    expect(timezoneForAddress(country, province)).toBe(zone);
  });

  it("only ever answers zones Intl knows", () => {
    // The app's own check (lib/time), which quiet hours and digests fall back on.
    for (const zone of knownAddressZones()) expect(isValidTimeZone(zone), zone).toBe(true);
    expect(knownAddressZones().length).toBeGreaterThan(80);
  });
});
