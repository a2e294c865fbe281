import { describe, expect, it } from "vitest";
import { currentEstimate, delayNoticeEstimate } from "~/intelligence/rules/estimate";

const d = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const order = { orderStart: d("2026-12-03T15:00:00Z"), orderEnd: d("2026-12-08T22:00:00Z") };

describe("the one current estimate", () => {
  it("prefers the carrier's, then a later announced delay, then the parcel's window, then the order's", () => {
    expect(currentEstimate(order)).toMatchObject({ source: "order", end: order.orderEnd });
    const parcel = { ...order, shipmentStart: d("2026-12-04T15:00:00Z"), shipmentEnd: d("2026-12-07T22:00:00Z") };
    expect(currentEstimate(parcel)).toMatchObject({ source: "shipment", end: parcel.shipmentEnd });
    const delayed = { ...parcel, delayed: true, delayAnnouncedEdd: d("2026-12-10T15:00:00Z") };
    expect(currentEstimate(delayed)).toMatchObject({ source: "delay", start: delayed.delayAnnouncedEdd });
    // An announced date is not shown once the delay has cleared.
    expect(currentEstimate({ ...delayed, delayed: false })).toMatchObject({ source: "shipment" });
    const carrier = currentEstimate({ ...delayed, carrierEdd: d("2026-12-09T00:00:00Z") })!;
    expect(carrier.source).toBe("carrier");
    expect(carrier.end.toISOString()).toBe("2026-12-09T23:59:59.999Z");
  });

  it("has none for an order without a window (a pickup order)", () => {
    expect(currentEstimate({})).toBeNull();
  });
});

describe("delay notice estimate", () => {
  const now = d("2026-12-09T12:00:00Z");
  const shown = currentEstimate(order);

  it("is always later than the date the shopper last saw", () => {
    // The demo's bug: a window of Dec 3–8 and a notice saying "New estimate: Dec 1".
    const early = delayNoticeEstimate([shown?.end], d("2026-12-01T00:00:00Z"), null, now, 12 * HOUR)!;
    expect(early.getTime()).toBeGreaterThan(order.orderEnd.getTime());
    expect(early.getTime()).toBeGreaterThan(now.getTime());
    // A carrier's later date is announced as it is.
    const later = d("2026-12-12T00:00:00Z");
    expect(delayNoticeEstimate([shown?.end], later, null, now, 12 * HOUR)).toEqual(later);
    // A parcel's own window earlier than the order's promise does not make an earlier date news.
    const parcelEnd = d("2026-11-29T22:00:00Z");
    const notice = delayNoticeEstimate([parcelEnd, order.orderEnd], d("2026-12-01T00:00:00Z"), null, now, 12 * HOUR)!;
    expect(notice.getTime()).toBeGreaterThan(order.orderEnd.getTime());
  });

  it("is not sent again unless the date moves later than the one announced", () => {
    const announced = d("2026-12-11T22:00:00Z");
    const shownNow = currentEstimate({ ...order, delayed: true, delayAnnouncedEdd: announced });
    expect(delayNoticeEstimate([shownNow?.end], d("2026-12-13T12:00:00Z"), announced, now, 12 * HOUR)).toEqual(
      d("2026-12-13T12:00:00Z"),
    );
    // The announced date still stands: an earlier or slightly later candidate is no news.
    expect(delayNoticeEstimate([shownNow?.end], d("2026-12-10T00:00:00Z"), announced, now, 12 * HOUR)).toBeNull();
    expect(delayNoticeEstimate([shownNow?.end], d("2026-12-12T02:00:00Z"), announced, now, 12 * HOUR)).toBeNull();
    // Once it has passed, the next notice gives a later one.
    const later = d("2026-12-12T12:00:00Z");
    const next = delayNoticeEstimate([shownNow?.end], d("2026-12-10T00:00:00Z"), announced, later, 12 * HOUR)!;
    expect(next.getTime()).toBeGreaterThan(later.getTime());
  });
});
