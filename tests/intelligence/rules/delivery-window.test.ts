import { describe, expect, it } from "vitest";
import { type Histogram, empty, fromValues, quantile } from "~/intelligence/rules/histogram";
import {
  type LaneHistogram,
  DEFAULT_PROCESSING_BUSINESS_DAYS,
  DEFAULT_TRANSIT_BUSINESS_DAYS,
  MIN_PROCESSING_SAMPLES,
  MIN_TRANSIT_SAMPLES,
  WINDOW_HIGH_QUANTILE,
  WINDOW_LOW_QUANTILE,
  accuracyReport,
  addBusinessDays,
  buildDeliveryModel,
  countryOf,
  predictDeliveryWindow,
  processingHours,
  carrierKey,
  resolveTransit,
  shippedEarly,
  transitHours,
  windowFromCarrierEdd,
} from "~/intelligence/rules/delivery-window";
import { type DurationModel, type Rng, DAY, HOUR, exactQuantile, hoursAfter, lognormal, mulberry32, syntheticOrders, uniform } from "./synthetic";

const END = new Date("2025-06-01T00:00:00Z");

function hist(rng: Rng, n: number, m: DurationModel): Histogram {
  return fromValues(Array.from({ length: n }, () => lognormal(rng, m.median, m.sigma)));
}

function lane(carrier: string, service: string, region: string, h: Histogram): LaneHistogram {
  return { carrier, service, region, histogram: h };
}

function hoursBetween(a: Date, b: Date): number {
  return (b.getTime() - a.getTime()) / HOUR;
}

interface LaneResult {
  coverage: number;
  widthRatio: number;
}

/**
 * Trains on `np` processing and `nt` transit samples of a random shop/lane, predicts for 1000 held-out
 * orders, and reports coverage and width relative to the held-out 2–98 % range.
 */
function heldOut(seed: number, np: number, nt: number, afterFulfillment = false): LaneResult {
  const rng = mulberry32(seed);
  const p = { median: uniform(rng, 6, 60), sigma: uniform(rng, 0.3, 0.9) };
  const t = { median: uniform(rng, 30, 150), sigma: uniform(rng, 0.2, 0.6) };
  const model = buildDeliveryModel({
    originCountry: "US",
    processing: hist(rng, np, p),
    transit: [lane("ups", "ground", "US-OH", hist(rng, nt, t)), lane("fedex", "home", "US-OH", hist(rng, 500, { median: 300, sigma: 0.2 }))],
  });
  const test = syntheticOrders(rng, 1000, p, t, END);
  const spans = test.map((o) => hoursBetween(afterFulfillment ? o.fulfilledAt : o.orderPlacedAt, o.deliveredAt));
  let inside = 0;
  let width = 0;
  for (const o of test) {
    const w = predictDeliveryWindow(model, {
      orderPlacedAt: o.orderPlacedAt,
      firstFulfilledAt: afterFulfillment ? o.fulfilledAt : null,
      carrier: "UPS",
      service: "Ground",
      destRegion: "us-oh",
    });
    expect(w.source).toBe("carrier_service_region");
    if (o.deliveredAt >= w.start && o.deliveredAt <= w.end) inside++;
    width = hoursBetween(w.start, w.end);
  }
  return { coverage: inside / test.length, widthRatio: width / (exactQuantile(spans, 0.98) - exactQuantile(spans, 0.02)) };
}

describe("predicted delivery window: coverage on held-out deliveries", () => {
  it("contains ≥ 80 % of held-out deliveries on every well-sampled lane, and is narrower than 2–98 %", () => {
    const results = Array.from({ length: 30 }, (_, i) => heldOut(100 + i, 400, 400));
    for (const r of results) {
      expect(r.coverage).toBeGreaterThanOrEqual(0.8);
      expect(r.widthRatio).toBeLessThan(0.8);
    }
    const mean = results.reduce((s, r) => s + r.coverage, 0) / results.length;
    // Nominal 85 %; much more would mean the window is wider than it needs to be.
    expect(mean).toBeGreaterThan(0.82);
    expect(mean).toBeLessThan(0.9);
  });

  it("keeps ≥ 80 % coverage on average at the minimum trusted sample sizes", () => {
    const results = Array.from({ length: 60 }, (_, i) => heldOut(500 + i, MIN_PROCESSING_SAMPLES, MIN_TRANSIT_SAMPLES));
    const mean = results.reduce((s, r) => s + r.coverage, 0) / results.length;
    expect(mean).toBeGreaterThanOrEqual(0.8);
    // Noisier windows, but on average still well inside the 2–98 % range.
    const width = results.reduce((s, r) => s + r.widthRatio, 0) / results.length;
    expect(width).toBeLessThan(0.8);
  });

  it("after fulfillment, predicts from the fulfillment with transit alone, still covering ≥ 80 %", () => {
    const results = Array.from({ length: 20 }, (_, i) => heldOut(900 + i, 400, 400, true));
    for (const r of results) {
      expect(r.coverage).toBeGreaterThanOrEqual(0.8);
      expect(r.widthRatio).toBeLessThan(0.8);
    }
  });

  it("is the convolution, not the sum of the marginal quantiles (which would be too wide)", () => {
    const rng = mulberry32(42);
    const processing = hist(rng, 2000, { median: 24, sigma: 0.8 });
    const transit = hist(rng, 2000, { median: 72, sigma: 0.5 });
    const model = buildDeliveryModel({ originCountry: "US", processing, transit: [lane("ups", "", "US-OH", transit)] });
    const order = new Date("2025-05-05T12:00:00Z");
    const w = predictDeliveryWindow(model, { orderPlacedAt: order, carrier: "ups", destRegion: "US-OH" });
    const naiveWidth =
      quantile(processing, WINDOW_HIGH_QUANTILE)! + quantile(transit, WINDOW_HIGH_QUANTILE)! - quantile(processing, WINDOW_LOW_QUANTILE)! - quantile(transit, WINDOW_LOW_QUANTILE)!;
    expect(hoursBetween(w.start, w.end)).toBeLessThan(0.85 * naiveWidth);
    expect(w.processingSource).toBe("shop");
    expect(w.processingSampleSize).toBe(2000);
    expect(w.sampleSize).toBe(2000);
  });
});

describe("transit fallback chain", () => {
  const rng = mulberry32(9);
  const fast = { median: 30, sigma: 0.2 };
  const slow = { median: 200, sigma: 0.2 };
  const thin = MIN_TRANSIT_SAMPLES - 1;
  const processing = hist(rng, 100, { median: 24, sigma: 0.3 });

  it("walks carrier+service+region → carrier+region → carrier+country → carrier → shop → default", () => {
    const transit = [
      lane("ups", "ground", "US-OH", hist(rng, thin, fast)), // thin: not trusted
      lane("ups", "next_day", "US-OH", hist(rng, 40, fast)),
      lane("ups", "ground", "US-CA", hist(rng, 40, slow)),
      lane("dhl", "express", "DE-BY", hist(rng, 20, slow)),
      lane("dhl", "express", "FR", hist(rng, 20, slow)),
    ];
    const model = buildDeliveryModel({ originCountry: "US", processing, transit });
    const at = (o: { carrier?: string; service?: string; destRegion?: string; destCountry?: string }) => resolveTransit(model, o);

    expect(at({ carrier: "ups", service: "next_day", destRegion: "US-OH" })).toMatchObject({ source: "carrier_service_region", sampleSize: 40 });
    // Carrier names and codes meet on one key.
    expect(at({ carrier: "United Parcel Service", service: "Next_Day", destRegion: "us-oh" })).toMatchObject({ source: "carrier_service_region", sampleSize: 40 });
    // ground to OH is thin, so all UPS to OH (thin + next_day) is used.
    expect(at({ carrier: "UPS", service: "ground", destRegion: "US-OH" })).toMatchObject({ source: "carrier_region", sampleSize: 40 + thin });
    // Nothing to TX: UPS to the US as a whole.
    expect(at({ carrier: "ups", service: "ground", destRegion: "US-TX" })).toMatchObject({ source: "carrier_country", sampleSize: 80 + thin });
    // A bare country destination reaches the country level too.
    expect(at({ carrier: "ups", destCountry: "US" })).toMatchObject({ source: "carrier_country" });
    // DHL has 20 to Bavaria and 20 to France: no region or country level is trusted, the carrier is.
    expect(at({ carrier: "dhl", service: "express", destRegion: "DE-BY" })).toMatchObject({ source: "carrier", sampleSize: 40 });
    // An unknown carrier (or none yet, at order time) falls to the shop.
    expect(at({ carrier: "ontrac", destRegion: "US-OH" })).toMatchObject({ source: "shop", sampleSize: 120 + thin });
    expect(at({ destRegion: "US-OH" })).toMatchObject({ source: "shop" });

    const none = buildDeliveryModel({ originCountry: "US", processing, transit: transit.slice(0, 1) });
    expect(resolveTransit(none, { carrier: "ups", destRegion: "US-OH" })).toMatchObject({ source: "default", histogram: null, sampleSize: 0 });
  });

  it("uses the level's own distribution (a fast lane predicts faster than the slow one)", () => {
    const model = buildDeliveryModel({
      originCountry: "US",
      processing,
      transit: [lane("ups", "ground", "US-OH", hist(rng, 60, fast)), lane("ups", "ground", "US-CA", hist(rng, 60, slow))],
    });
    const orderPlacedAt = new Date("2025-05-05T12:00:00Z");
    const oh = predictDeliveryWindow(model, { orderPlacedAt, carrier: "ups", service: "ground", destRegion: "US-OH" });
    const ca = predictDeliveryWindow(model, { orderPlacedAt, carrier: "ups", service: "ground", destRegion: "US-CA" });
    expect(oh.end.getTime()).toBeLessThan(ca.start.getTime());
    const hours = hoursBetween(orderPlacedAt, oh.end);
    expect(hours).toBeGreaterThan(40);
    expect(hours).toBeLessThan(90);
  });

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

describe("default table", () => {
  const empty0 = buildDeliveryModel({ originCountry: "US", processing: null, transit: [] });

  it("uses business days: domestic 1–2 + 2–5, skipping the weekend", () => {
    const monday = new Date("2025-05-05T15:00:00Z");
    const w = predictDeliveryWindow(empty0, { orderPlacedAt: monday, destRegion: "US-OH" });
    expect(w).toMatchObject({ source: "default", processingSource: "default", sampleSize: 0 });
    expect(w.start.toISOString()).toBe("2025-05-08T15:00:00.000Z"); // Mon + 3 business days = Thu
    expect(w.end.toISOString()).toBe("2025-05-14T15:00:00.000Z"); // Mon + 7 business days = next Wed

    const friday = new Date("2025-05-09T15:00:00Z");
    const f = predictDeliveryWindow(empty0, { orderPlacedAt: friday, destRegion: "US-OH" });
    expect(f.start.toISOString()).toBe("2025-05-14T15:00:00.000Z"); // Fri + 3 = Wed
    expect(DEFAULT_PROCESSING_BUSINESS_DAYS.low + DEFAULT_TRANSIT_BUSINESS_DAYS.domestic.low).toBe(3);
  });

  it("is wider and later for international destinations, and domestic when the country is unknown", () => {
    const at = new Date("2025-05-05T15:00:00Z");
    const dom = predictDeliveryWindow(empty0, { orderPlacedAt: at, destRegion: "US-CA" });
    const intl = predictDeliveryWindow(empty0, { orderPlacedAt: at, destRegion: "CA-ON" });
    const unknown = predictDeliveryWindow(empty0, { orderPlacedAt: at });
    expect(intl.start.getTime()).toBeGreaterThan(dom.start.getTime());
    expect(intl.end.getTime() - intl.start.getTime()).toBeGreaterThan(dom.end.getTime() - dom.start.getTime());
    expect(unknown.end).toEqual(dom.end);
    const gb = buildDeliveryModel({ originCountry: "GB", processing: null, transit: [] });
    expect(predictDeliveryWindow(gb, { orderPlacedAt: at, destCountry: "GB" }).end).toEqual(dom.end);
    expect(predictDeliveryWindow(gb, { orderPlacedAt: at, destRegion: "US-OH" }).end).toEqual(intl.end);
  });

  it("adds business days from weekends to Monday", () => {
    expect(addBusinessDays(new Date("2025-05-10T09:00:00Z"), 1).toISOString()).toBe("2025-05-12T09:00:00.000Z"); // Sat → Mon
    expect(addBusinessDays(new Date("2025-05-09T09:00:00Z"), 1).toISOString()).toBe("2025-05-12T09:00:00.000Z"); // Fri → Mon
    expect(addBusinessDays(new Date("2025-05-09T09:00:00Z"), 0).toISOString()).toBe("2025-05-09T09:00:00.000Z");
  });

  it("counts business days on the shop's calendar, not UTC's", () => {
    // Friday 8 pm in New York is already Saturday in UTC.
    const fridayEvening = new Date("2025-05-10T00:00:00Z");
    // On New York's calendar, Friday + 1 is Monday 8 pm there; on UTC's it would land on Sunday evening in New York.
    expect(addBusinessDays(fridayEvening, 1, "America/New_York").toISOString()).toBe("2025-05-13T00:00:00.000Z");
    expect(addBusinessDays(fridayEvening, 1).toISOString()).toBe("2025-05-12T00:00:00.000Z");
    // An unknown zone counts on UTC's calendar rather than failing a prediction.
    expect(addBusinessDays(fridayEvening, 1, "Mars/Olympus_Mons").toISOString()).toBe("2025-05-12T00:00:00.000Z");
    // The model carries the shop's zone into default-based predictions.
    const ny = buildDeliveryModel({ originCountry: "US", originTimeZone: "America/New_York", processing: null, transit: [] });
    const utc = buildDeliveryModel({ originCountry: "US", processing: null, transit: [] });
    expect(predictDeliveryWindow(ny, { orderPlacedAt: fridayEvening, destCountry: "US" }).start.getTime()).toBeGreaterThan(
      predictDeliveryWindow(utc, { orderPlacedAt: fridayEvening, destCountry: "US" }).start.getTime(),
    );
  });

  it("falls back per component, adding default business days to learned calendar hours", () => {
    const rng = mulberry32(5);
    const monday = new Date("2025-05-05T12:00:00Z");
    const transitH = hist(rng, 200, { median: 48, sigma: 0.2 });
    const thinProcessing = buildDeliveryModel({
      originCountry: "US",
      processing: hist(rng, MIN_PROCESSING_SAMPLES - 1, { median: 1, sigma: 0.1 }),
      transit: [lane("ups", "", "US-OH", transitH)],
    });
    const w1 = predictDeliveryWindow(thinProcessing, { orderPlacedAt: monday, carrier: "ups", destRegion: "US-OH" });
    expect(w1).toMatchObject({ source: "carrier_region", processingSource: "default", processingSampleSize: 0, sampleSize: 200 });
    // Default processing: ships Tue (1 bd) to Wed (2 bd); then the lane's transit quantiles.
    expect(w1.start.getTime()).toBeCloseTo(addBusinessDays(monday, 1).getTime() + quantile(transitH, WINDOW_LOW_QUANTILE)! * HOUR, -1);
    expect(w1.end.getTime()).toBeCloseTo(addBusinessDays(monday, 2).getTime() + quantile(transitH, WINDOW_HIGH_QUANTILE)! * HOUR, -1);

    const processingH = hist(rng, 100, { median: 2, sigma: 0.2 });
    const learnedProcessing = buildDeliveryModel({ originCountry: "US", processing: processingH, transit: [] });
    const w2 = predictDeliveryWindow(learnedProcessing, { orderPlacedAt: monday, carrier: "ups", destRegion: "US-OH" });
    expect(w2).toMatchObject({ source: "default", processingSource: "shop", processingSampleSize: 100 });
    // Ships within hours on Monday, then 2–5 business days: Wednesday to Monday.
    expect(w2.start.getTime()).toBeCloseTo(addBusinessDays(new Date(monday.getTime() + quantile(processingH, WINDOW_LOW_QUANTILE)! * HOUR), 2).getTime(), -1);
    expect(w2.end.toISOString().slice(0, 10)).toBe("2025-05-12");
    // A fast shop's window starts earlier than the all-default one (1 business day of processing).
    expect(w2.start.getTime()).toBeLessThan(predictDeliveryWindow(empty0, { orderPlacedAt: monday }).start.getTime());
  });

  it("after fulfillment with no transit data, counts the transit business days from the fulfillment", () => {
    const fulfilled = new Date("2025-05-09T10:00:00Z"); // Friday
    const w = predictDeliveryWindow(empty0, { orderPlacedAt: new Date("2025-05-08T10:00:00Z"), firstFulfilledAt: fulfilled, destRegion: "US-OH" });
    expect(w).toMatchObject({ processingSource: "fulfilled", source: "default" });
    expect(w.start.toISOString()).toBe("2025-05-13T10:00:00.000Z"); // Fri + 2
    expect(w.end.toISOString()).toBe("2025-05-16T10:00:00.000Z"); // Fri + 5
  });
});

describe("carrier estimate", () => {
  const predicted = { start: new Date("2025-05-08T00:00:00Z"), end: new Date("2025-05-12T00:00:00Z"), source: "carrier_region" as const, sampleSize: 80 };

  it("wins over the prediction once it exists", () => {
    const timed = new Date("2025-05-10T17:00:00Z");
    expect(windowFromCarrierEdd(timed, predicted)).toEqual({ start: timed, end: timed, source: "carrier_edd", sampleSize: 0 });
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
    expect(ups).toEqual({ carrier: "UPS", deliveries: 4, insideShare: 0.5, earlyShare: 0.25, lateShare: 0.25, meanAbsErrorDays: 1.5, meanMissDays: 0.75 });
    expect(report.byCarrier.map((r) => r.carrier)).toEqual(["UPS", "FedEx", "unknown"]);
    expect(report.byCarrier[1]).toMatchObject({ insideShare: 1, meanAbsErrorDays: 0.5, meanMissDays: 0 });
    expect(report.overall).toMatchObject({ carrier: "all", deliveries: 6, insideShare: 4 / 6 });
    expect(accuracyReport([]).overall).toMatchObject({ deliveries: 0, insideShare: 0 });
  });
});
