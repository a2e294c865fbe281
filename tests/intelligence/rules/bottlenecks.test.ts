import { describe, expect, it } from "vitest";
import { fromValues } from "~/intelligence/rules/histogram";
import {
  type DwellBaselineRow,
  type InTransitShipment,
  BASELINE_DAYS,
  MIN_BASELINE_SAMPLES,
  MIN_CURRENT_SHIPMENTS,
  carrierName,
  currentDwellHours,
  detectBottlenecks,
  laneDwells,
  regionName,
} from "~/intelligence/rules/bottlenecks";
import { type Rng, dayBefore, hoursAfter, int, lognormal, mulberry32, uniform } from "./synthetic";

const NOW = new Date("2025-05-14T12:00:00Z");

interface LaneSpec {
  carrier: string;
  region: string;
  median: number;
  sigma: number;
  /** Multiplier applied to current dwell: 1 normal, 1.1–1.3 a mild slowdown, 2.5–5 a stall. */
  slowdown: number;
  current: number;
  /** Daily baseline snapshots per day (0 for no history). */
  perDay: number;
}

function baselineRows(rng: Rng, spec: LaneSpec, days = BASELINE_DAYS): DwellBaselineRow[] {
  const rows: DwellBaselineRow[] = [];
  for (let d = 1; d <= days; d++) {
    const values = Array.from({ length: spec.perDay }, () => lognormal(rng, spec.median, spec.sigma));
    rows.push({ carrier: spec.carrier, region: spec.region, day: dayBefore(NOW, d), histogram: fromValues(values) });
  }
  return rows;
}

function inTransit(rng: Rng, spec: LaneSpec): InTransitShipment[] {
  return Array.from({ length: spec.current }, () => {
    const dwell = lognormal(rng, spec.median, spec.sigma) * spec.slowdown;
    return {
      carrier: spec.carrier,
      region: spec.region,
      lastEventAt: hoursAfter(NOW, -dwell),
      inTransitAt: hoursAfter(NOW, -dwell - 24),
    };
  });
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

describe("bottleneck detection over many random lanes", () => {
  // 12 seeded sets of 50 lanes (≈ 100 injected stalls): enough for the rates below, a few hundred ms of CPU.
  it("finds injected stalls with high precision and recall and leaves normal lanes alone", () => {
    const carriers = ["ups", "fedex", "usps", "dhl_express", "ontrac"];
    const regions = ["US-OH", "US-CA", "US-TX", "US-NY", "US-FL", "US-WA", "US-IL", "US-GA", "US-PA", "US-MI"];
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let normalFlagged = 0;
    let normalLanes = 0;
    let mildFlagged = 0;
    let fastestChecked = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const rng = mulberry32(seed);
      const specs: LaneSpec[] = [];
      for (const region of regions) {
        for (const carrier of carriers) {
          const r = rng();
          const slowdown = r < 0.2 ? uniform(rng, 2.5, 5) : r < 0.3 ? uniform(rng, 1.1, 1.3) : 1;
          specs.push({
            carrier,
            region,
            median: uniform(rng, 4, 40),
            sigma: uniform(rng, 0.3, 0.9),
            slowdown,
            current: int(rng, 10, 60),
            perDay: int(rng, 2, 30),
          });
        }
      }
      const shipments = specs.flatMap((s) => inTransit(rng, s));
      const rows = specs.flatMap((s) => baselineRows(rng, s));
      const flags = detectBottlenecks(shipments, rows, NOW);
      const flagged = new Set(flags.map((f) => `${f.carrier}|${f.region}`));
      for (const s of specs) {
        const isFlagged = flagged.has(`${s.carrier}|${s.region}`);
        const isStall = s.slowdown >= 2.5;
        if (isStall && isFlagged) tp++;
        else if (isStall) fn++;
        else if (isFlagged) fp++;
        if (s.slowdown === 1) {
          normalLanes++;
          if (isFlagged) normalFlagged++;
        } else if (!isStall && isFlagged) mildFlagged++;
      }
      // The fastest alternative is the lowest current median among the region's unflagged lanes.
      for (const f of flags) {
        const others = shipments.filter(
          (s) => s.region === f.region && s.carrier !== f.carrier && !flagged.has(`${s.carrier}|${s.region}`),
        );
        const medians = carriers
          .map((c) => ({ c, dwell: others.filter((s) => s.carrier === c).map((s) => currentDwellHours(s, NOW)!) }))
          .filter((x) => x.dwell.length >= MIN_CURRENT_SHIPMENTS)
          .map((x) => ({ c: x.c, m: median(x.dwell) }))
          .sort((a, b) => a.m - b.m);
        expect(f.fastest?.carrier ?? null).toBe(medians[0]?.c ?? null);
        fastestChecked++;
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(
      `bottlenecks: ${tp + fn} stalls, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, normal lanes flagged ${normalFlagged}/${normalLanes}, mild slowdowns flagged ${mildFlagged}`,
    );
    expect(tp + fn).toBeGreaterThanOrEqual(90);
    expect(precision).toBeGreaterThanOrEqual(0.97);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(normalFlagged).toBe(0);
    expect(fastestChecked).toBe(tp + fp);
  });
});

describe("bottleneck rules", () => {
  const ohio = (carrier: string, median: number, slowdown: number, current = 34): LaneSpec => ({
    carrier,
    region: "US-OH",
    median,
    sigma: 0.4,
    slowdown,
    current,
    perDay: 20,
  });

  it("explains a stall in one sentence, naming the fastest carrier in the region", () => {
    const rng = mulberry32(77);
    const specs = [ohio("ups", 18, 3), ohio("fedex", 10, 1), ohio("usps", 25, 1)];
    const flags = detectBottlenecks(
      specs.flatMap((s) => inTransit(rng, s)),
      specs.flatMap((s) => baselineRows(rng, s)),
      NOW,
    );
    expect(flags).toHaveLength(1);
    const f = flags[0]!;
    expect(f).toMatchObject({
      carrier: "ups",
      carrierName: "UPS",
      region: "US-OH",
      regionName: "Ohio",
      shipments: 34,
      stalling: true,
    });
    expect(f.fastest).toMatchObject({ carrier: "fedex", carrierName: "FedEx" });
    expect(f.slowdown).toBeGreaterThan(2);
    const days = (h: number) => `${(h / 24).toFixed(1)} days`;
    expect(f.sentence).toBe(
      `UPS is stalling in Ohio: 34 parcels on the way there have had no scan for ${days(f.currentMedianHours)} (usually ${days(f.baselineMedianHours)}). ` +
        "FedEx is fastest there now: consider it for new orders to Ohio, and tell waiting customers before they ask.",
    );
    expect(f.sentence).toMatch(/no scan for \d+\.\d days \(usually 0\.[7-8] days\)/);
  });

  it("names no alternative when no other carrier has enough shipments there, or all are stalling", () => {
    const rng = mulberry32(78);
    const alone = [ohio("ups", 18, 3), ohio("fedex", 10, 1, MIN_CURRENT_SHIPMENTS - 1)];
    const f = detectBottlenecks(
      alone.flatMap((s) => inTransit(rng, s)),
      alone.flatMap((s) => baselineRows(rng, s)),
      NOW,
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.fastest).toBeNull();
    expect(f[0]!.sentence).toMatch(
      /^UPS is stalling in Ohio: 34 parcels .*Tell waiting customers before they ask, and check with UPS if it lasts\.$/,
    );
    const both = [ohio("ups", 18, 3), ohio("fedex", 10, 4)];
    const g = detectBottlenecks(
      both.flatMap((s) => inTransit(rng, s)),
      both.flatMap((s) => baselineRows(rng, s)),
      NOW,
    );
    expect(g).toHaveLength(2);
    expect(g.every((x) => x.fastest === null)).toBe(true);
  });

  it("needs enough shipments now and enough baseline", () => {
    const rng = mulberry32(79);
    const fewNow = ohio("ups", 18, 4, MIN_CURRENT_SHIPMENTS - 1);
    expect(detectBottlenecks(inTransit(rng, fewNow), baselineRows(rng, fewNow), NOW)).toEqual([]);
    const atMinimum = ohio("ups", 18, 4, MIN_CURRENT_SHIPMENTS);
    expect(detectBottlenecks(inTransit(rng, atMinimum), baselineRows(rng, atMinimum), NOW)).toHaveLength(1);
    const thinHistory = { ...ohio("ups", 18, 4), perDay: 1 };
    const rows = baselineRows(rng, thinHistory);
    expect(rows.length).toBeLessThan(MIN_BASELINE_SAMPLES);
    expect(detectBottlenecks(inTransit(rng, thinHistory), rows, NOW)).toEqual([]);
    expect(laneDwells(inTransit(rng, thinHistory), rows, NOW)[0]).toMatchObject({
      stalling: false,
      baselineSamples: BASELINE_DAYS,
    });
  });

  it("builds the baseline from the trailing complete days only, so today's stall cannot hide itself", () => {
    const rng = mulberry32(80);
    const spec = ohio("ups", 18, 3);
    const todayStalled = {
      carrier: "ups",
      region: "US-OH",
      day: dayBefore(NOW, 0),
      histogram: fromValues(Array.from({ length: 5000 }, () => 60)),
    };
    const ancient = {
      carrier: "ups",
      region: "US-OH",
      day: dayBefore(NOW, BASELINE_DAYS + 1),
      histogram: fromValues(Array.from({ length: 5000 }, () => 60)),
    };
    const flags = detectBottlenecks(inTransit(rng, spec), [...baselineRows(rng, spec), todayStalled, ancient], NOW);
    expect(flags).toHaveLength(1);
    expect(flags[0]!.baselineSamples).toBe(BASELINE_DAYS * spec.perDay);
  });

  it("does not flag a lane that is only a little slower, or short dwell that is only hours longer", () => {
    const rng = mulberry32(81);
    const mild = ohio("ups", 18, 1.25);
    expect(detectBottlenecks(inTransit(rng, mild), baselineRows(rng, mild), NOW)).toEqual([]);
    // 2 h usual → 5 h now is 2.5× but only 3 h more: not worth a merchant's attention.
    const quick = ohio("ups", 2, 2.5);
    expect(detectBottlenecks(inTransit(rng, quick), baselineRows(rng, quick), NOW)).toEqual([]);
  });

  it("groups carriers and regions case-insensitively and ignores shipments it cannot place", () => {
    const rng = mulberry32(82);
    const spec = ohio("ups", 18, 3, 20);
    const mixed = inTransit(rng, spec).map((s, i) => ({
      ...s,
      carrier: i % 2 ? "UPS" : "ups",
      region: i % 3 ? "us-oh" : "US-OH",
    }));
    const junk: InTransitShipment[] = [
      { carrier: null, region: "US-OH", lastEventAt: hoursAfter(NOW, -500) },
      { carrier: "ups", region: null, lastEventAt: hoursAfter(NOW, -500) },
      { carrier: "ups", region: "US-OH", lastEventAt: null, inTransitAt: null },
    ];
    const flags = detectBottlenecks([...mixed, ...junk], baselineRows(rng, spec), NOW);
    expect(flags).toHaveLength(1);
    expect(flags[0]!.shipments).toBe(20);
  });

  it("measures dwell since the last scan, else since entering transit", () => {
    expect(currentDwellHours({ lastEventAt: hoursAfter(NOW, -5), inTransitAt: hoursAfter(NOW, -50) }, NOW)).toBe(5);
    expect(currentDwellHours({ lastEventAt: null, inTransitAt: hoursAfter(NOW, -50) }, NOW)).toBe(50);
    expect(currentDwellHours({ lastEventAt: null, inTransitAt: null }, NOW)).toBeNull();
  });

  it("names carriers and regions for people", () => {
    expect(carrierName("fedex")).toBe("FedEx");
    expect(carrierName("DHL")).toBe("DHL Express");
    expect(carrierName("Some Local Courier")).toBe("Some Local Courier");
    expect(regionName("us-oh")).toBe("Ohio");
    expect(regionName("CA-QC")).toBe("Quebec");
    expect(regionName("DE")).toBe("Germany");
    expect(regionName("XX-YY")).toBe("XX-YY");
  });
});
