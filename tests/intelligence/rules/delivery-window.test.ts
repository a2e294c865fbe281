import { describe, expect, it } from "vitest";
import { type Histogram, empty, fromValues, quantile } from "~/intelligence/rules/histogram";
import {
  MIN_PROCESSING_SAMPLES,
  accuracyReport,
  countryOf,
  processingHours,
  carrierKey,
  shippedEarly,
  transitHours,
  windowFromCarrierEdd,
} from "~/intelligence/rules/delivery-window";
import { DAY, type DurationModel, type Rng, hoursAfter, lognormal, mulberry32 } from "./synthetic";

function hist(rng: Rng, n: number, m: DurationModel): Histogram {
  return fromValues(Array.from({ length: n }, () => lognormal(rng, m.median, m.sigma)));
}

describe("keys", () => {
  it("keys carriers by code", () => {
    expect(carrierKey("UPS")).toBe("ups");
    expect(carrierKey(" FedEx ")).toBe("fedex");
    expect(carrierKey("Bob's Couriers")).toBe("bob's couriers");
    expect(carrierKey(null)).toBe("");
    expect(carrierKey("  ")).toBe("");
  });

  it("derives the country from a region code", () => {
    expect(countryOf("US-OH")).toBe("US");
    expect(countryOf("gb")).toBe("GB");
    expect(countryOf("")).toBe("");
    expect(countryOf("Ohio")).toBe("");
  });
});

describe("carrier estimate", () => {
  const predicted = {
    start: new Date("2025-05-08T00:00:00Z"),
    end: new Date("2025-05-12T00:00:00Z"),
    source: "predicted" as const,
    sampleSize: 80,
  };

  it("wins over the prediction once it exists", () => {
    const timed = new Date("2025-05-10T17:00:00Z");
    expect(windowFromCarrierEdd(timed, predicted)).toEqual({
      start: timed,
      end: timed,
      source: "carrier_edd",
      sampleSize: 0,
    });
    expect(windowFromCarrierEdd(null, predicted)).toBe(predicted);
    expect(windowFromCarrierEdd(undefined, null)).toBeNull();
  });

  it("spans the whole day for a date-only estimate", () => {
    const w = windowFromCarrierEdd(new Date("2025-05-10T00:00:00Z"), predicted)!;
    expect(w.end.toISOString()).toBe("2025-05-10T23:59:59.999Z");
  });
});

describe("sample definitions", () => {
  it("measures processing from order to first fulfillment, and transit from fulfillment (else first scan) to delivery", () => {
    const order = new Date("2025-05-05T00:00:00Z");
    expect(processingHours(order, hoursAfter(order, 30))).toBe(30);
    expect(processingHours(order, null)).toBeNull();
    expect(processingHours(order, hoursAfter(order, -1))).toBe(0);
    const fulfilledAt = hoursAfter(order, 30);
    const inTransitAt = hoursAfter(order, 40);
    const deliveredAt = hoursAfter(order, 100);
    expect(transitHours({ fulfilledAt, inTransitAt, deliveredAt })).toBe(70);
    expect(transitHours({ fulfilledAt: null, inTransitAt, deliveredAt })).toBe(60);
    expect(transitHours({ fulfilledAt, inTransitAt, deliveredAt: null })).toBeNull();
    // processing + transit telescopes to order → delivered.
    expect(processingHours(order, fulfilledAt)! + transitHours({ fulfilledAt, inTransitAt, deliveredAt })!).toBe(100);
  });
});

describe("shipped earlier than expected", () => {
  const rng = mulberry32(21);
  const twoDays = hist(rng, 200, { median: 48, sigma: 0.3 });
  const order = new Date("2025-05-05T09:00:00Z");
  const median = quantile(twoDays, 0.5)!;

  it("is true only when the first fulfillment beats the median by max(4 h, 25 %)", () => {
    expect(shippedEarly(order, hoursAfter(order, median * 0.74), twoDays)).toBe(true);
    expect(shippedEarly(order, hoursAfter(order, median * 0.76), twoDays)).toBe(false);
    expect(shippedEarly(order, hoursAfter(order, median), twoDays)).toBe(false);
    expect(shippedEarly(order, null, twoDays)).toBe(false);
  });

  it("needs the absolute margin for fast shippers, and enough history", () => {
    const sameDay = hist(rng, 200, { median: 6, sigma: 0.2 });
    const m = quantile(sameDay, 0.5)!;
    expect(shippedEarly(order, hoursAfter(order, m - 3), sameDay)).toBe(false); // 25 % would say early; 4 h does not
    expect(shippedEarly(order, hoursAfter(order, m - 4.5), sameDay)).toBe(true);
    const fewOrders = hist(rng, MIN_PROCESSING_SAMPLES - 1, { median: 48, sigma: 0.3 });
    expect(shippedEarly(order, hoursAfter(order, 1), fewOrders)).toBe(false);
    expect(shippedEarly(order, hoursAfter(order, 1), null)).toBe(false);
    expect(shippedEarly(order, hoursAfter(order, 1), empty())).toBe(false);
  });
});

describe("accuracy report", () => {
  it("reports per carrier the share inside the window and the mean absolute error in days", () => {
    const s = new Date("2025-05-10T00:00:00Z");
    const e = new Date("2025-05-12T00:00:00Z"); // midpoint 11th 00:00
    const at = (days: number) => new Date(s.getTime() + days * DAY);
    const report = accuracyReport([
      { carrier: "UPS", promisedStart: s, promisedEnd: e, deliveredAt: at(1) }, // inside, error 0
      { carrier: "ups", promisedStart: s, promisedEnd: e, deliveredAt: at(2) }, // inside (inclusive), error 1
      { carrier: "UPS", promisedStart: s, promisedEnd: e, deliveredAt: at(4) }, // late by 2, error 3
      { carrier: "UPS", promisedStart: s, promisedEnd: e, deliveredAt: at(-1) }, // early by 1, error 2
      { carrier: "FedEx", promisedStart: s, promisedEnd: e, deliveredAt: at(0.5) },
      { carrier: null, promisedStart: s, promisedEnd: e, deliveredAt: at(1) },
    ]);
    const ups = report.byCarrier[0]!;
    expect(ups).toEqual({
      carrier: "UPS",
      deliveries: 4,
      insideShare: 0.5,
      earlyShare: 0.25,
      lateShare: 0.25,
      meanAbsErrorDays: 1.5,
      meanMissDays: 0.75,
    });
    expect(report.byCarrier.map((r) => r.carrier)).toEqual(["UPS", "FedEx", "unknown"]);
    expect(report.byCarrier[1]).toMatchObject({ insideShare: 1, meanAbsErrorDays: 0.5, meanMissDays: 0 });
    expect(report.overall).toMatchObject({ carrier: "all", deliveries: 6, insideShare: 4 / 6 });
    expect(accuracyReport([]).overall).toMatchObject({ deliveries: 0, insideShare: 0 });
  });
});
