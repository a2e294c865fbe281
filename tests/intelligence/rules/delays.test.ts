import { describe, expect, it } from "vitest";
import { type Histogram, fromValues, quantile } from "~/intelligence/rules/histogram";
import {
  type DelaySnapshot,
  ANNOUNCE_MIN_SLIP_HOURS,
  DELAY_MIN_LEAD_HOURS,
  DELAY_STEP_HOURS,
  ESTIMATE_GRACE_HOURS,
  MIN_GAP_SAMPLES,
  NO_SCAN_DEFAULT_HOURS,
  NO_SCAN_FLOOR_HOURS,
  NO_SCAN_QUANTILE,
  detectDelay,
  estimateDeadline,
  noScanThresholdHours,
  pushEstimate,
  shouldAnnounceDelay,
} from "~/intelligence/rules/delays";
import { type Rng, HOUR, hoursAfter, lognormal, mulberry32, uniform } from "./synthetic";

const NOW = new Date("2025-05-14T12:00:00Z");

function snapshot(over: Partial<DelaySnapshot> = {}): DelaySnapshot {
  return {
    lastStatus: "in_transit",
    lastEventAt: hoursAfter(NOW, -5),
    inTransitAt: hoursAfter(NOW, -30),
    labelCreatedAt: hoursAfter(NOW, -40),
    deliveredAt: null,
    cancelledAt: null,
    failedAt: null,
    carrierEdd: null,
    predictedEnd: hoursAfter(NOW, 48),
    ...over,
  };
}

/** A lane's scan gaps: mostly ~14 h apart, with a weekend-sized gap 15 % of the time. */
function gap(rng: Rng): number {
  return lognormal(rng, 14, 0.6) + (rng() < 0.15 ? 48 : 0);
}

function laneGaps(rng: Rng, n: number): Histogram {
  return fromValues(Array.from({ length: n }, () => gap(rng)));
}

describe("no-scan threshold", () => {
  it("is the lane's 99th-percentile gap, never below the floor, and the default when the lane is thin", () => {
    const rng = mulberry32(1);
    const weekendy = laneGaps(rng, 2000);
    const p99 = quantile(weekendy, NO_SCAN_QUANTILE)!;
    expect(p99).toBeGreaterThan(NO_SCAN_FLOOR_HOURS);
    expect(noScanThresholdHours(weekendy)).toBe(p99);
    expect(noScanThresholdHours(fromValues(Array.from({ length: MIN_GAP_SAMPLES }, () => 100)))).toBe(100);
    const brisk = fromValues(Array.from({ length: 500 }, () => lognormal(rng, 8, 0.3)));
    expect(noScanThresholdHours(brisk)).toBe(NO_SCAN_FLOOR_HOURS);
    expect(noScanThresholdHours(fromValues(Array.from({ length: MIN_GAP_SAMPLES - 1 }, () => 200)))).toBe(
      NO_SCAN_DEFAULT_HOURS,
    );
    expect(noScanThresholdHours(null)).toBe(NO_SCAN_DEFAULT_HOURS);
  });
});

describe("detectDelay", () => {
  it("is not delayed while scans are regular and the estimate is ahead", () => {
    expect(detectDelay(snapshot(), null, NOW)).toMatchObject({
      delayed: false,
      reason: null,
      newEstimate: null,
      hoursSinceScan: 5,
    });
  });

  it("believes the carrier, using its new estimate while it is ahead", () => {
    const edd = hoursAfter(NOW, 72);
    expect(detectDelay(snapshot({ lastStatus: "delayed", carrierEdd: edd }), null, NOW)).toMatchObject({
      delayed: true,
      reason: "carrier",
      newEstimate: edd,
    });
    expect(detectDelay(snapshot({ lastStatus: "DELAYED" }), null, NOW).reason).toBe("carrier");
    const flagged = detectDelay(snapshot({ carrierDelayed: true, predictedEnd: hoursAfter(NOW, 10) }), null, NOW);
    // No new carrier date: the old estimate moves a whole step, at least a day ahead.
    expect(flagged).toMatchObject({ reason: "carrier", newEstimate: hoursAfter(NOW, 10 + DELAY_STEP_HOURS) });
  });

  it("flags a passed estimate only after the grace period, carrier EDD before prediction", () => {
    const edd = hoursAfter(NOW, -ESTIMATE_GRACE_HOURS + 1);
    expect(detectDelay(snapshot({ carrierEdd: edd }), null, NOW).delayed).toBe(false);
    const late = hoursAfter(NOW, -ESTIMATE_GRACE_HOURS - 1);
    const v = detectDelay(snapshot({ carrierEdd: late, predictedEnd: hoursAfter(NOW, 100) }), null, NOW);
    expect(v).toMatchObject({ delayed: true, reason: "estimate_passed" });
    expect(v.newEstimate!.getTime()).toBeGreaterThanOrEqual(NOW.getTime() + DELAY_MIN_LEAD_HOURS * HOUR);
    // The prediction counts when there is no carrier estimate.
    expect(detectDelay(snapshot({ predictedEnd: late }), null, NOW).reason).toBe("estimate_passed");
  });

  it("lets a date-only estimate last its whole day", () => {
    const today = new Date("2025-05-14T00:00:00Z");
    expect(estimateDeadline(today).toISOString()).toBe("2025-05-15T12:00:00.000Z");
    expect(detectDelay(snapshot({ carrierEdd: today }), null, new Date("2025-05-14T23:00:00Z")).delayed).toBe(false);
    expect(detectDelay(snapshot({ carrierEdd: today }), null, new Date("2025-05-15T13:00:00Z")).reason).toBe(
      "estimate_passed",
    );
  });

  it("flags silence longer than the lane's usual gap, only after the first scan", () => {
    const rng = mulberry32(2);
    const lane = laneGaps(rng, 2000);
    const threshold = noScanThresholdHours(lane);
    const quiet = (h: number) => snapshot({ lastEventAt: hoursAfter(NOW, -h), inTransitAt: hoursAfter(NOW, -h - 10) });
    expect(detectDelay(quiet(threshold - 1), lane, NOW).delayed).toBe(false);
    expect(detectDelay(quiet(threshold + 1), lane, NOW)).toMatchObject({ delayed: true, reason: "no_scan" });
    // A thin lane uses the default threshold.
    expect(detectDelay(quiet(NO_SCAN_DEFAULT_HOURS - 1), null, NOW).delayed).toBe(false);
    expect(detectDelay(quiet(NO_SCAN_DEFAULT_HOURS + 1), null, NOW).reason).toBe("no_scan");
    // A label that was never scanned is not "no scan" (the estimate rule covers it).
    const labelOnly = snapshot({ lastEventAt: null, inTransitAt: null, labelCreatedAt: hoursAfter(NOW, -200) });
    expect(detectDelay(labelOnly, lane, NOW)).toMatchObject({ delayed: false, hoursSinceScan: null });
  });

  it("is never delayed once delivered, cancelled or failed", () => {
    const stuck = { lastStatus: "delayed", lastEventAt: hoursAfter(NOW, -300), carrierEdd: hoursAfter(NOW, -100) };
    expect(detectDelay(snapshot({ ...stuck, deliveredAt: hoursAfter(NOW, -1) }), null, NOW).delayed).toBe(false);
    expect(detectDelay(snapshot({ ...stuck, cancelledAt: hoursAfter(NOW, -1) }), null, NOW).delayed).toBe(false);
    expect(detectDelay(snapshot({ ...stuck, failedAt: hoursAfter(NOW, -1) }), null, NOW).delayed).toBe(false);
  });

  it("rarely flags normal shipments and always flags stuck ones (renewal simulation)", () => {
    const rng = mulberry32(3);
    const lane = laneGaps(rng, 3000);
    const threshold = noScanThresholdHours(lane);
    let snapshotFalse = 0;
    let lifetimeFalse = 0;
    let caught = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      // A normal shipment of 3–8 scan gaps, observed at a random moment (time since scan = renewal age).
      const gaps = Array.from({ length: 3 + Math.floor(rng() * 6) }, () => gap(rng));
      const total = gaps.reduce((a, b) => a + b, 0);
      const observe = uniform(rng, 0, total);
      let last = 0;
      for (const g of gaps) {
        if (last + g > observe) break;
        last += g;
      }
      const normal = snapshot({
        lastEventAt: hoursAfter(NOW, -(observe - last)),
        inTransitAt: hoursAfter(NOW, -observe - 1),
        predictedEnd: hoursAfter(NOW, 500),
      });
      if (detectDelay(normal, lane, NOW).delayed) snapshotFalse++;
      // Checked hourly over its life, it would be flagged if any single gap exceeded the threshold.
      if (gaps.some((g) => g > threshold + 1)) lifetimeFalse++;
      // A stuck one: no scan for 4–8 days.
      const stuck = snapshot({
        lastEventAt: hoursAfter(NOW, -uniform(rng, 96, 192)),
        predictedEnd: hoursAfter(NOW, 500),
      });
      if (detectDelay(stuck, lane, NOW).reason === "no_scan") caught++;
    }
    expect(snapshotFalse / trials).toBeLessThan(0.005);
    expect(lifetimeFalse / trials).toBeLessThan(0.06);
    expect(caught).toBe(trials);
  });
});

describe("new estimate", () => {
  it("moves in whole steps and stays at least a day ahead", () => {
    const base = new Date("2025-05-10T00:00:00Z");
    for (let h = 0; h < 24 * 14; h += 7) {
      const now = hoursAfter(base, h);
      const e = pushEstimate(base, now);
      const steps = (e.getTime() - base.getTime()) / (DELAY_STEP_HOURS * HOUR);
      expect(Number.isInteger(steps)).toBe(true);
      expect(steps).toBeGreaterThanOrEqual(1);
      expect(e.getTime()).toBeGreaterThanOrEqual(now.getTime() + DELAY_MIN_LEAD_HOURS * HOUR);
      expect(e.getTime() - DELAY_STEP_HOURS * HOUR).toBeLessThan(
        Math.max(base.getTime() + 1, now.getTime() + DELAY_MIN_LEAD_HOURS * HOUR),
      );
    }
  });
});

describe("announcing delays once", () => {
  it("announces the first time and then only when the estimate slips further", () => {
    const announced = new Date("2025-05-16T00:00:00Z");
    expect(shouldAnnounceDelay(null, announced)).toBe(true);
    expect(shouldAnnounceDelay(null, null)).toBe(true);
    expect(shouldAnnounceDelay(announced, announced)).toBe(false);
    expect(shouldAnnounceDelay(announced, hoursAfter(announced, -24))).toBe(false);
    expect(shouldAnnounceDelay(announced, hoursAfter(announced, ANNOUNCE_MIN_SLIP_HOURS))).toBe(false);
    expect(shouldAnnounceDelay(announced, hoursAfter(announced, ANNOUNCE_MIN_SLIP_HOURS + 1))).toBe(true);
    expect(shouldAnnounceDelay(announced, null)).toBe(false);
  });

  it("sends one notice per real slip while a parcel stays stuck, checked hourly for ten days", () => {
    const rng = mulberry32(4);
    const lane = laneGaps(rng, 2000);
    const start = new Date("2025-05-10T08:00:00Z");
    const s = snapshot({
      lastEventAt: start,
      inTransitAt: hoursAfter(start, -20),
      predictedEnd: hoursAfter(start, 30),
    });
    let announcedEdd: Date | null = null;
    const notices: Date[] = [];
    let delayedTicks = 0;
    for (let h = 0; h <= 240; h++) {
      const v = detectDelay(s, lane, hoursAfter(start, h));
      if (!v.delayed) continue;
      delayedTicks++;
      if (shouldAnnounceDelay(announcedEdd, v.newEstimate)) {
        if (announcedEdd)
          expect(v.newEstimate!.getTime()).toBeGreaterThan(announcedEdd.getTime() + ANNOUNCE_MIN_SLIP_HOURS * HOUR);
        announcedEdd = v.newEstimate;
        notices.push(v.newEstimate!);
      }
    }
    // Delayed from the missed estimate (30 h + 12 h grace) onwards, every hour.
    expect(delayedTicks).toBe(240 - 30 - ESTIMATE_GRACE_HOURS);
    // One notice per DELAY_STEP_HOURS of slip at most, far fewer than the 200+ delayed checks.
    expect(notices.length).toBeGreaterThanOrEqual(2);
    expect(notices.length).toBeLessThanOrEqual(Math.ceil(240 / DELAY_STEP_HOURS) + 1);
  });

  it("ignores a carrier estimate that wobbles by hours or moves earlier, and re-announces a real slip", () => {
    const base = snapshot({ lastStatus: "delayed" });
    const first = detectDelay({ ...base, carrierEdd: hoursAfter(NOW, 48) }, null, NOW).newEstimate;
    expect(shouldAnnounceDelay(null, first)).toBe(true);
    const wobble = detectDelay({ ...base, carrierEdd: hoursAfter(NOW, 52) }, null, hoursAfter(NOW, 1)).newEstimate;
    expect(shouldAnnounceDelay(first, wobble)).toBe(false);
    const earlier = detectDelay({ ...base, carrierEdd: hoursAfter(NOW, 30) }, null, hoursAfter(NOW, 2)).newEstimate;
    expect(shouldAnnounceDelay(first, earlier)).toBe(false);
    const slipped = detectDelay({ ...base, carrierEdd: hoursAfter(NOW, 96) }, null, hoursAfter(NOW, 3)).newEstimate;
    expect(shouldAnnounceDelay(first, slipped)).toBe(true);
  });
});
