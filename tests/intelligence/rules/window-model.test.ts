import { describe, expect, it } from "vitest";
import { buildCalendar } from "~/intelligence/rules/business-hours";
import { type Histogram, fromValues } from "~/intelligence/rules/histogram";
import {
  type DailyHistogram,
  type WindowModelInput,
  buildWindowModel,
  lognormalHistogram,
  scaled,
  predictWindow,
  routeOf,
  tailQuantiles,
  transitPosterior,
} from "~/intelligence/rules/window-model";
import { quantile } from "~/intelligence/rules/histogram";
import { type Rng, lognormal, mulberry32 } from "./synthetic";

const NOW = new Date("2026-03-02T14:00:00Z"); // a Monday
const cal = buildCalendar({ timeZone: "America/New_York" }, NOW);
const hist = (rng: Rng, n: number, median: number, sigma = 0.25): Histogram =>
  fromValues(Array.from({ length: n }, () => lognormal(rng, median, sigma)));
const row = (day: string, carrier: string, region: string, h: Histogram): DailyHistogram => ({
  day,
  carrier,
  service: "ground",
  region,
  histogram: h,
});
const input = (over: Partial<WindowModelInput>): WindowModelInput => ({
  now: NOW,
  originCountry: "US",
  processing: [],
  transit: [],
  ...over,
});
const days = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 86_400_000;

describe("window model", () => {
  it("resolves the order-time window by the destination, without a carrier", () => {
    const rng = mulberry32(1);
    const model = buildWindowModel(
      input({
        processing: [{ day: "2026-03-01", histogram: hist(rng, 200, 16) }],
        transit: [
          row("2026-03-01", "ups", "US-NY", hist(rng, 300, 24)),
          row("2026-03-01", "ups", "US-CA", hist(rng, 300, 120)),
        ],
      }),
    );
    const near = predictWindow(model, cal, { orderPlacedAt: NOW, destRegion: "US-NY", destCountry: "US" });
    const far = predictWindow(model, cal, { orderPlacedAt: NOW, destRegion: "US-CA", destCountry: "US" });
    expect(near.source).toBe("region");
    expect(far.source).toBe("region");
    expect(far.start.getTime()).toBeGreaterThan(near.end.getTime());
  });

  it("tightens once the carrier and service are known", () => {
    const rng = mulberry32(2);
    const model = buildWindowModel(
      input({
        transit: [
          row("2026-03-01", "ups", "US-OH", hist(rng, 300, 40, 0.15)),
          row("2026-03-01", "usps", "US-OH", hist(rng, 300, 80, 0.15)),
        ],
      }),
    );
    const order = { orderPlacedAt: NOW, firstFulfilledAt: NOW, destRegion: "US-OH", destCountry: "US" };
    const anyCarrier = predictWindow(model, cal, order);
    const ups = predictWindow(model, cal, { ...order, carrier: "ups", service: "ground" });
    expect(ups.source).toBe("carrier_service_region");
    expect(ups.highHours - ups.lowHours).toBeLessThan((anyCarrier.highHours - anyCarrier.lowHours) / 2);
  });

  it("moves a thin lane smoothly from its parent's window to its own as deliveries arrive", () => {
    const rng = mulberry32(3);
    const parent = row("2026-03-01", "ups", "US-OH", hist(rng, 400, 40));
    const ends: number[] = [];
    for (const n of [0, 1, 3, 10, 30, 100, 300]) {
      // Evenly spaced quantiles, so the lane's evidence grows without sampling noise.
      const lane = n ? [row("2026-03-01", "fedex", "US-OH", scaled(lognormalHistogram(100, 0.25, n), n))] : [];
      const model = buildWindowModel(input({ transit: [parent, ...lane] }));
      ends.push(
        predictWindow(model, cal, {
          orderPlacedAt: NOW,
          firstFulfilledAt: NOW,
          carrier: "fedex",
          service: "ground",
          destRegion: "US-OH",
        }).highHours,
      );
    }
    // Never back towards the parent (beyond bucket noise of 1 %) …
    for (let i = 1; i < ends.length; i++) expect(ends[i]!).toBeGreaterThanOrEqual(ends[i - 1]! * 0.99);
    // No jump at any one step: each step moves less than half of the way from the parent to the lane.
    const span = ends.at(-1)! - ends[0]!;
    for (let i = 1; i < ends.length; i++) expect(ends[i]! - ends[i - 1]!).toBeLessThan(span * 0.6);
    expect(ends.at(-1)!).toBeGreaterThan(100);
  });

  it("defaults depend on the route and give way to the shop's own history at once", () => {
    expect(routeOf("US", "US")).toBe("domestic_large");
    expect(routeOf("NL", "NL")).toBe("domestic_small");
    expect(routeOf("US", "CA")).toBe("cross_border");
    const empty = buildWindowModel(input({}));
    const small = buildWindowModel(input({ originCountry: "NL" }));
    const q = { orderPlacedAt: NOW, destCountry: "US" };
    const us = predictWindow(empty, cal, q);
    const nl = predictWindow(small, cal, { orderPlacedAt: NOW, destCountry: "NL" });
    const xb = predictWindow(empty, cal, { orderPlacedAt: NOW, destCountry: "CA" });
    expect(us.source).toBe("default");
    expect(nl.end.getTime()).toBeLessThan(us.end.getTime());
    expect(xb.end.getTime()).toBeGreaterThan(us.end.getTime());
    // Twenty fast deliveries are enough to pull the window far below the default.
    const rng = mulberry32(4);
    const own = buildWindowModel(input({ transit: [row("2026-03-01", "ups", "US-NY", hist(rng, 20, 20, 0.1))] }));
    expect(predictWindow(own, cal, q).end.getTime()).toBeLessThan(us.start.getTime() + 3 * 86_400_000);
  });

  it("follows a recent slowdown: recent rows outweigh older ones", () => {
    const rng = mulberry32(5);
    const model = buildWindowModel(
      input({
        transit: [
          row("2026-01-20", "ups", "US-TX", hist(rng, 400, 40)),
          row("2026-02-28", "ups", "US-TX", hist(rng, 60, 80)),
        ],
      }),
    );
    const h = transitPosterior(model, { carrier: "ups", service: "ground", destRegion: "US-TX" }).histogram;
    expect(quantile(h, 0.5)!).toBeGreaterThan(60);
  });

  it("counts parcels still out: a lane whose parcels are all overdue gets a later end", () => {
    const rng = mulberry32(6);
    const base = { transit: [row("2026-03-01", "ups", "US-GA", hist(rng, 100, 40, 0.15))] };
    const q = { orderPlacedAt: NOW, firstFulfilledAt: NOW, carrier: "ups", service: "ground", destRegion: "US-GA" };
    const calm = predictWindow(buildWindowModel(input(base)), cal, q);
    const stuck = predictWindow(
      buildWindowModel(
        input({
          ...base,
          inFlight: Array.from({ length: 60 }, (_, i) => ({
            carrier: "ups",
            service: "ground",
            region: "US-GA",
            hours: 60 + i,
          })),
        }),
      ),
      cal,
      q,
    );
    expect(stuck.highHours).toBeGreaterThan(calm.highHours * 1.5);
  });

  it("lays the window on business days: it never ends on a weekend day", () => {
    const rng = mulberry32(7);
    const model = buildWindowModel(input({ transit: [row("2026-03-01", "ups", "US-NY", hist(rng, 200, 30))] }));
    for (let h = 0; h < 7 * 24; h += 5) {
      const w = predictWindow(model, cal, {
        orderPlacedAt: new Date(NOW.getTime() + h * 3_600_000),
        destRegion: "US-NY",
      });
      const weekday = new Date(w.end.getTime() - 5 * 3_600_000).getUTCDay(); // New York in March: UTC−5
      expect([1, 2, 3, 4, 5]).toContain(weekday);
    }
  });

  it("a higher confidence gives a wider window; each tail has its own share", () => {
    const rng = mulberry32(8);
    const model = buildWindowModel(input({ transit: [row("2026-03-01", "ups", "US-NY", hist(rng, 300, 30))] }));
    const q = { orderPlacedAt: NOW, destRegion: "US-NY" };
    const w80 = predictWindow(model, cal, q, 0.8);
    const w95 = predictWindow(model, cal, q, 0.95);
    expect(days(w95.start, w95.end)).toBeGreaterThan(days(w80.start, w80.end));
    const [lo, hi] = tailQuantiles(0.9, 0.6);
    expect(lo).toBeCloseTo(0.06, 9);
    expect(1 - hi).toBeCloseTo(0.04, 9);
  });
});
