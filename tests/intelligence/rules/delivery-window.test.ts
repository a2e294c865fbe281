import { describe, expect, it } from "vitest";
import { empty, fromValues, quantile } from "~/intelligence/rules/histogram";
import {
  DEFAULT_PROCESSING_BUSINESS_DAYS,
  DEFAULT_TRANSIT_BUSINESS_DAYS,
  MIN_PROCESSING_SAMPLES,
  MIN_TRANSIT_SAMPLES,
  WINDOW_HIGH_QUANTILE,
  WINDOW_LOW_QUANTILE,
  accuracyReport,
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
import { addBusinessDays, wallTimeAt } from "~/lib/time";
import { type HeldOutOptions, heldOutLane, hist, lane, meanOf } from "./held-out";
import { DAY, HOUR, hoursAfter, mulberry32 } from "./synthetic";

function hoursBetween(a: Date, b: Date): number {
  return (b.getTime() - a.getTime()) / HOUR;
}

// Coverage on held-out deliveries: a few seeded lanes with a large held-out set each, so the measured
// coverage is the model's (not the held-out sample's noise) and the whole block costs a fraction of a
// second of CPU. The same evaluation over many lanes is a bench section (bench/delivery-window.ts).
describe("predicted delivery window: coverage on held-out deliveries", () => {
  const lanes = (first: number, n: number, opts: HeldOutOptions) =>
    Array.from({ length: n }, (_, i) => heldOutLane(first + i, opts));

  it("contains ≥ 80 % of held-out deliveries on every well-sampled lane, and is narrower than 2–98 %", () => {
    const results = lanes(100, 8, { processingSamples: 400, transitSamples: 400, heldOut: 4000 });
    for (const r of results) {
      expect(r).toMatchObject({ source: "carrier_service_region", offsetsStable: true });
      expect(r.coverage).toBeGreaterThanOrEqual(0.8);
      expect(r.widthRatio).toBeLessThan(0.8);
    }
    // Nominal 85 %; much more would mean the window is wider than it needs to be.
    expect(meanOf(results, "coverage")).toBeGreaterThan(0.82);
    expect(meanOf(results, "coverage")).toBeLessThan(0.9);
  });

  it("keeps ≥ 80 % coverage on average at the minimum trusted sample sizes", () => {
    const results = lanes(500, 24, {
      processingSamples: MIN_PROCESSING_SAMPLES,
      transitSamples: MIN_TRANSIT_SAMPLES,
      heldOut: 2000,
    });
    expect(results.every((r) => r.source === "carrier_service_region" && r.offsetsStable)).toBe(true);
    expect(meanOf(results, "coverage")).toBeGreaterThanOrEqual(0.8);
    // Noisier windows, but on average still well inside the 2–98 % range.
    expect(meanOf(results, "widthRatio")).toBeLessThan(0.8);
  });

  it("after fulfillment, predicts from the fulfillment with transit alone, still covering ≥ 80 %", () => {
    const results = lanes(900, 6, {
      processingSamples: 400,
      transitSamples: 400,
      heldOut: 4000,
      afterFulfillment: true,
    });
    for (const r of results) {
      expect(r).toMatchObject({ source: "carrier_service_region", offsetsStable: true });
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
      quantile(processing, WINDOW_HIGH_QUANTILE)! +
      quantile(transit, WINDOW_HIGH_QUANTILE)! -
      quantile(processing, WINDOW_LOW_QUANTILE)! -
      quantile(transit, WINDOW_LOW_QUANTILE)!;
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
    const at = (o: { carrier?: string; service?: string; destRegion?: string; destCountry?: string }) =>
      resolveTransit(model, o);

    expect(at({ carrier: "ups", service: "next_day", destRegion: "US-OH" })).toMatchObject({
      source: "carrier_service_region",
      sampleSize: 40,
    });
    // Carrier names and codes meet on one key.
    expect(at({ carrier: "United Parcel Service", service: "Next_Day", destRegion: "us-oh" })).toMatchObject({
      source: "carrier_service_region",
      sampleSize: 40,
    });
    // ground to OH is thin, so all UPS to OH (thin + next_day) is used.
    expect(at({ carrier: "UPS", service: "ground", destRegion: "US-OH" })).toMatchObject({
      source: "carrier_region",
      sampleSize: 40 + thin,
    });
    // Nothing to TX: UPS to the US as a whole.
    expect(at({ carrier: "ups", service: "ground", destRegion: "US-TX" })).toMatchObject({
      source: "carrier_country",
      sampleSize: 80 + thin,
    });
    // A bare country destination reaches the country level too.
    expect(at({ carrier: "ups", destCountry: "US" })).toMatchObject({ source: "carrier_country" });
    // DHL has 20 to Bavaria and 20 to France: no region or country level is trusted, the carrier is.
    expect(at({ carrier: "dhl", service: "express", destRegion: "DE-BY" })).toMatchObject({
      source: "carrier",
      sampleSize: 40,
    });
    // An unknown carrier (or none yet, at order time) falls to the shop.
    expect(at({ carrier: "ontrac", destRegion: "US-OH" })).toMatchObject({ source: "shop", sampleSize: 120 + thin });
    expect(at({ destRegion: "US-OH" })).toMatchObject({ source: "shop" });

    const none = buildDeliveryModel({ originCountry: "US", processing, transit: transit.slice(0, 1) });
    expect(resolveTransit(none, { carrier: "ups", destRegion: "US-OH" })).toMatchObject({
      source: "default",
      histogram: null,
      sampleSize: 0,
    });
  });

  it("uses the level's own distribution (a fast lane predicts faster than the slow one)", () => {
    const model = buildDeliveryModel({
      originCountry: "US",
      processing,
      transit: [
        lane("ups", "ground", "US-OH", hist(rng, 60, fast)),
        lane("ups", "ground", "US-CA", hist(rng, 60, slow)),
      ],
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

  // addBusinessDays itself (weekends, the shop's calendar, DST) is tested in tests/lib/time.test.ts.
  it("counts business days on the shop's calendar, not UTC's", () => {
    // Friday 8 pm in New York is already Saturday in UTC: Friday + 3 business days is Wednesday there.
    const fridayEvening = new Date("2025-05-10T00:00:00Z");
    const ny = buildDeliveryModel({
      originCountry: "US",
      originTimeZone: "America/New_York",
      processing: null,
      transit: [],
    });
    const utc = buildDeliveryModel({ originCountry: "US", processing: null, transit: [] });
    expect(predictDeliveryWindow(ny, { orderPlacedAt: fridayEvening, destCountry: "US" }).start.toISOString()).toBe(
      "2025-05-15T00:00:00.000Z",
    ); // Wed 20:00 EDT
    expect(predictDeliveryWindow(utc, { orderPlacedAt: fridayEvening, destCountry: "US" }).start.toISOString()).toBe(
      "2025-05-14T00:00:00.000Z",
    ); // Sat UTC → Wed
    // An unknown zone counts on UTC's calendar rather than failing a prediction.
    const mars = buildDeliveryModel({
      originCountry: "US",
      originTimeZone: "Mars/Olympus_Mons",
      processing: null,
      transit: [],
    });
    expect(predictDeliveryWindow(mars, { orderPlacedAt: fridayEvening, destCountry: "US" }).start.toISOString()).toBe(
      "2025-05-14T00:00:00.000Z",
    );
  });

  // An order at 18:00 local on the Friday before a DST change: every default-table bound is 18:00 local
  // on its business day (a 24-hour step would land at 17:00 or 19:00 after the change).
  it.each([
    [
      "America/New_York",
      "spring forward",
      "2025-03-07T23:00:00Z",
      "2025-03-12T22:00:00.000Z",
      "2025-03-18T22:00:00.000Z",
    ], // EST → EDT
    ["America/New_York", "fall back", "2025-10-31T22:00:00Z", "2025-11-05T23:00:00.000Z", "2025-11-11T23:00:00.000Z"], // EDT → EST
    ["Europe/Berlin", "spring forward", "2025-03-28T17:00:00Z", "2025-04-02T16:00:00.000Z", "2025-04-08T16:00:00.000Z"], // CET → CEST
    ["Europe/Berlin", "fall back", "2025-10-24T16:00:00Z", "2025-10-29T17:00:00.000Z", "2025-11-04T17:00:00.000Z"], // CEST → CET
    ["Australia/Sydney", "fall back", "2025-04-04T07:00:00Z", "2025-04-09T08:00:00.000Z", "2025-04-15T08:00:00.000Z"], // AEDT → AEST
    [
      "Australia/Sydney",
      "spring forward",
      "2025-10-03T08:00:00Z",
      "2025-10-08T07:00:00.000Z",
      "2025-10-14T07:00:00.000Z",
    ], // AEST → AEDT
    ["Asia/Tokyo", "no DST", "2025-03-07T09:00:00Z", "2025-03-12T09:00:00.000Z", "2025-03-18T09:00:00.000Z"],
  ])("keeps the order's local time of day across DST: %s, %s", (zone, _change, placed, start, end) => {
    const model = buildDeliveryModel({ originCountry: "US", originTimeZone: zone, processing: null, transit: [] });
    const w = predictDeliveryWindow(model, { orderPlacedAt: new Date(placed), destCountry: "US" });
    expect(w.start.toISOString()).toBe(start); // Fri + 3 business days = Wed
    expect(w.end.toISOString()).toBe(end); // Fri + 7 business days = Tue
    const local = (d: Date) =>
      new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit" }).format(
        d,
      );
    expect([local(w.start), local(w.end)]).toEqual(["Wed 18:00", "Tue 18:00"]);
  });

  it("keeps the local time of day across DST with learned processing and default transit", () => {
    // Learned processing adds calendar hours (Fri 16:00 EST + ≈ 2 h); the default transit's 2–5 business
    // days are then counted on New York's calendar, across the change to EDT, at the same local time.
    const processing = fromValues(Array.from({ length: MIN_PROCESSING_SAMPLES }, () => 2));
    const model = buildDeliveryModel({
      originCountry: "US",
      originTimeZone: "America/New_York",
      processing,
      transit: [],
    });
    const placed = new Date("2025-03-07T21:00:00Z");
    const w = predictDeliveryWindow(model, { orderPlacedAt: placed, destCountry: "US" });
    const shipped = wallTimeAt(hoursAfter(placed, quantile(processing, WINDOW_LOW_QUANTILE)!), "America/New_York");
    expect(shipped).toMatchObject({ day: 7, hour: 18 });
    expect(wallTimeAt(w.start, "America/New_York")).toEqual({ ...shipped, day: 11 }); // Fri + 2 = Tue
    expect(wallTimeAt(w.end, "America/New_York")).toEqual({ ...shipped, day: 14 }); // Fri + 5 = Fri
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
    expect(w1).toMatchObject({
      source: "carrier_region",
      processingSource: "default",
      processingSampleSize: 0,
      sampleSize: 200,
    });
    // Default processing: ships Tue (1 bd) to Wed (2 bd); then the lane's transit quantiles.
    expect(w1.start.getTime()).toBeCloseTo(
      addBusinessDays(monday, 1).getTime() + quantile(transitH, WINDOW_LOW_QUANTILE)! * HOUR,
      -1,
    );
    expect(w1.end.getTime()).toBeCloseTo(
      addBusinessDays(monday, 2).getTime() + quantile(transitH, WINDOW_HIGH_QUANTILE)! * HOUR,
      -1,
    );

    const processingH = hist(rng, 100, { median: 2, sigma: 0.2 });
    const learnedProcessing = buildDeliveryModel({ originCountry: "US", processing: processingH, transit: [] });
    const w2 = predictDeliveryWindow(learnedProcessing, { orderPlacedAt: monday, carrier: "ups", destRegion: "US-OH" });
    expect(w2).toMatchObject({ source: "default", processingSource: "shop", processingSampleSize: 100 });
    // Ships within hours on Monday, then 2–5 business days: Wednesday to Monday.
    expect(w2.start.getTime()).toBeCloseTo(
      addBusinessDays(new Date(monday.getTime() + quantile(processingH, WINDOW_LOW_QUANTILE)! * HOUR), 2).getTime(),
      -1,
    );
    expect(w2.end.toISOString().slice(0, 10)).toBe("2025-05-12");
    // A fast shop's window starts earlier than the all-default one (1 business day of processing).
    expect(w2.start.getTime()).toBeLessThan(predictDeliveryWindow(empty0, { orderPlacedAt: monday }).start.getTime());
  });

  it("after fulfillment with no transit data, counts the transit business days from the fulfillment", () => {
    const fulfilled = new Date("2025-05-09T10:00:00Z"); // Friday
    const w = predictDeliveryWindow(empty0, {
      orderPlacedAt: new Date("2025-05-08T10:00:00Z"),
      firstFulfilledAt: fulfilled,
      destRegion: "US-OH",
    });
    expect(w).toMatchObject({ processingSource: "fulfilled", source: "default" });
    expect(w.start.toISOString()).toBe("2025-05-13T10:00:00.000Z"); // Fri + 2
    expect(w.end.toISOString()).toBe("2025-05-16T10:00:00.000Z"); // Fri + 5
  });
});

describe("carrier estimate", () => {
  const predicted = {
    start: new Date("2025-05-08T00:00:00Z"),
    end: new Date("2025-05-12T00:00:00Z"),
    source: "carrier_region" as const,
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
