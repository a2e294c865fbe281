// The bottleneck baseline rebuilt from history: what the daily dwell snapshot would have recorded on
// past days. With it a planted regional stall is flagged on the seeded history at once, and a shop
// without the stall gets no flag for the same lane.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadBottlenecks } from "~/intelligence/bottlenecks.server";
import { rebuildDwellBaseline } from "~/intelligence/dwell-history.server";
import { METRICS } from "~/intelligence/lanes.server";
import { dwellSnapshotAt } from "~/intelligence/rules/dwell-history";
import { DAY_MS, HOUR_MS } from "~/lib/time";
import { bulkLoad } from "../../scripts/simulator/bulk";
import { plantedStall } from "../../scripts/demo/run";
import { freshDb, providers, type TestDb } from "../support/db";

const at = (h: number) => new Date(Date.UTC(2026, 10, 1) + h * HOUR_MS);

describe("dwellSnapshotAt", () => {
  it("measures hours since the newest scan at that moment, over the parcels in transit then", () => {
    const lanes = dwellSnapshotAt(
      [
        // in transit at h=50, last scan at h=40 (the one at h=60 is in its future)
        { carrier: "ups", region: "US-NY", inTransitAt: at(10), endedAt: null, scans: [at(10), at(40), at(60)] },
        // no scan after entering transit: dwell since then
        { carrier: "ups", region: "US-NY", inTransitAt: at(20), endedAt: at(80), scans: [] },
        // delivered before the moment: not in transit
        { carrier: "ups", region: "US-NY", inTransitAt: at(0), endedAt: at(50), scans: [at(0)] },
        // not shipped yet
        { carrier: "ups", region: "US-NY", inTransitAt: at(51), endedAt: null, scans: [at(51)] },
        { carrier: "fedex", region: "US-CA", inTransitAt: at(45), endedAt: null, scans: [at(45)] },
      ],
      at(50),
    );
    expect(Object.fromEntries(lanes)).toEqual({ "ups|US-NY": [10, 30], "fedex|US-CA": [5] });
  });
});

describe.each(providers)("rebuildDwellBaseline on %s", (provider) => {
  let t: TestDb;
  const now = new Date("2026-11-30T15:00:00Z");
  beforeEach(async () => {
    t = await freshDb(provider);
  });
  afterEach(async () => t.drop());

  it("fills the past days once, leaves recorded days alone, and lets a planted stall be flagged at once", async () => {
    const { shopId } = await bulkLoad(t.db, { orders: 500, now, seed: "dwell-history", stall: plantedStall(now) });
    expect((await loadBottlenecks(t.db, shopId, now)).flags).toEqual([]); // no baseline yet: nothing to judge by

    const first = await rebuildDwellBaseline(t.db, shopId, now);
    expect(first.days).toBeGreaterThan(10);
    expect(first.samples).toBeGreaterThan(100);
    expect(await rebuildDwellBaseline(t.db, shopId, now)).toEqual({ days: 0, samples: 0 });
    const today = await t.db.laneStat.count({
      where: { shopId, metric: METRICS.dwell, day: now.toISOString().slice(0, 10) },
    });
    expect(today).toBe(0); // the live scan records today

    const { flags } = await loadBottlenecks(t.db, shopId, now);
    expect(flags.map((f) => `${f.carrierName} ${f.region}`)).toEqual(["UPS US-NY"]);
    expect(flags[0]!.slowdown).toBeGreaterThan(1.4);
  });

  it("flags nothing for the same history without the stall", async () => {
    const { shopId } = await bulkLoad(t.db, {
      orders: 500,
      now,
      seed: "dwell-history",
      stall: { ...plantedStall(now), from: new Date(now.getTime() + 30 * DAY_MS) }, // same lane share, no stall
    });
    await rebuildDwellBaseline(t.db, shopId, now);
    const { flags, lanes } = await loadBottlenecks(t.db, shopId, now);
    expect(lanes.some((l) => l.region === "US-NY" && l.shipments >= 10)).toBe(true);
    expect(flags).toEqual([]);
  });
});
