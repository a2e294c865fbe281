import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUCKET_COUNT,
  HISTOGRAM_MAX_HOURS,
  HISTOGRAM_MIN_HOURS,
  RELATIVE_ERROR_BOUND,
  add,
  bucketBounds,
  bucketIndex,
  count,
  empty,
  fromJSON,
  fromValues,
  inTrailingWindow,
  mean,
  merge,
  mergeTrailing,
  quantile,
  sumQuantiles,
} from "~/intelligence/rules/histogram";
import { dayKey } from "~/lib/time";
import { dayBefore, exactQuantile, exactQuantiles, lognormal, mulberry32 } from "./synthetic";

/** The documented bound: one bucket width at the exact value. */
function allowedError(exact: number, max: number): number {
  if (exact < HISTOGRAM_MIN_HOURS) return HISTOGRAM_MIN_HOURS;
  if (exact >= HISTOGRAM_MAX_HOURS) return max - HISTOGRAM_MAX_HOURS;
  return RELATIVE_ERROR_BOUND * exact;
}

describe("histogram buckets", () => {
  it("are contiguous, log-spaced at 2^(1/8), and span 0.5 h to beyond 60 days", () => {
    expect(bucketBounds(0)).toEqual([0, 0.5]);
    for (let i = 0; i < BUCKET_COUNT - 1; i++) expect(bucketBounds(i)[1]).toBe(bucketBounds(i + 1)[0]);
    for (let i = 1; i < BUCKET_COUNT - 1; i++) {
      const [lo, hi] = bucketBounds(i);
      expect(hi / lo).toBeCloseTo(2 ** (1 / 8), 12);
    }
    expect(bucketBounds(BUCKET_COUNT - 1)[1]).toBe(Infinity);
    expect(HISTOGRAM_MAX_HOURS).toBeGreaterThanOrEqual(60 * 24);
    expect(RELATIVE_ERROR_BOUND).toBeLessThan(0.1);
  });

  it("places every value inside its bucket, including exact bounds", () => {
    for (let i = 0; i < BUCKET_COUNT - 1; i++) {
      const [lo] = bucketBounds(i);
      expect(bucketIndex(lo)).toBe(i);
    }
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5000, noNaN: true }), (x) => {
        const [lo, hi] = bucketBounds(bucketIndex(x));
        return x >= lo && x < hi;
      }),
    );
  });
});

describe("histogram statistics", () => {
  it("is empty at first", () => {
    const h = empty();
    expect(count(h)).toBe(0);
    expect(mean(h)).toBeNull();
    expect(quantile(h, 0.5)).toBeNull();
  });

  it("keeps an exact count and mean, and min/max at q = 0 and 1", () => {
    const h = fromValues([1, 2, 3, 10, 100]);
    expect(count(h)).toBe(5);
    expect(mean(h)).toBeCloseTo(23.2, 12);
    expect(quantile(h, 0)).toBe(1);
    expect(quantile(h, 1)).toBe(100);
  });

  it("returns a single repeated value exactly", () => {
    const h = fromValues([24, 24, 24, 24]);
    for (const q of [0.1, 0.5, 0.9]) expect(quantile(h, q)).toBe(24);
  });

  it("keeps quantile error within one bucket width (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 3000, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const h = fromValues(values);
          const est = quantile(h, q)!;
          const exact = exactQuantile(values, q);
          return Math.abs(est - exact) <= allowedError(exact, Math.max(...values)) + 1e-9;
        },
      ),
      { numRuns: 500 },
    );
  });

  it("keeps quantile error within 9.05 % on a large log-normal sample", () => {
    const rng = mulberry32(7);
    const values = Array.from({ length: 20_000 }, () => lognormal(rng, 60, 0.8));
    const h = fromValues(values);
    const qs = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
    exactQuantiles(values, qs).forEach((exact, i) => {
      expect(Math.abs(quantile(h, qs[i]!)! - exact) / exact).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
    });
  });

  it("counts a weight as that many samples", () => {
    const weighted = add(add(empty(), 5, 3), 50, 1);
    const repeated = fromValues([5, 5, 5, 50]);
    expect(weighted).toEqual(repeated);
    // The 75th percentile is the last 5 (within its bucket); just past it is the 50.
    expect(quantile(weighted, 0.75)).toBeGreaterThanOrEqual(5);
    expect(quantile(weighted, 0.75)).toBeLessThanOrEqual(5 * (1 + RELATIVE_ERROR_BOUND));
    expect(quantile(weighted, 0.76)).toBeGreaterThan(40);
  });

  it("clamps negative durations to 0 and refuses non-finite values and negative weights", () => {
    expect(quantile(add(empty(), -3), 0.5)).toBe(0);
    expect(() => add(empty(), Number.NaN)).toThrow(RangeError);
    expect(() => add(empty(), Infinity)).toThrow(RangeError);
    expect(() => add(empty(), 1, -1)).toThrow(RangeError);
    expect(() => quantile(fromValues([1]), 1.5)).toThrow(RangeError);
  });

  it("never mutates its inputs", () => {
    const h = fromValues([1, 2]);
    const snapshot = JSON.stringify(h);
    add(h, 3);
    merge(h, fromValues([4]));
    expect(JSON.stringify(h)).toBe(snapshot);
  });
});

describe("histogram merging", () => {
  it("equals the histogram of the union of samples, in any order", () => {
    const rng = mulberry32(11);
    const days = Array.from({ length: 30 }, () =>
      Array.from({ length: 1 + Math.floor(rng() * 40) }, () => lognormal(rng, 48, 0.6)),
    );
    const daily = days.map((d) => fromValues(d));
    const all = fromValues(days.flat());
    const merged = merge(...daily);
    const reversed = merge(...daily.slice().reverse());
    const nested = merge(merge(...daily.slice(0, 10)), merge(...daily.slice(10)));
    for (const m of [merged, reversed, nested]) {
      expect(m.counts).toEqual(all.counts);
      expect(m.n).toBe(all.n);
      expect(m.min).toBe(all.min);
      expect(m.max).toBe(all.max);
      expect(m.sum).toBeCloseTo(all.sum, 6);
      expect(quantile(m, 0.9)).toBeCloseTo(quantile(all, 0.9)!, 9);
    }
  });

  it("treats the empty histogram as identity", () => {
    const h = fromValues([3, 30, 300]);
    expect(merge(h, empty())).toEqual(h);
    expect(merge()).toEqual(empty());
  });

  it("refuses a histogram of another bucket scheme", () => {
    const alien = { ...empty(), counts: [1, 2, 3] };
    expect(() => merge(empty(), alien)).toThrow(TypeError);
  });
});

describe("histogram JSON", () => {
  it("round-trips through JSON as stored in LaneStat.histogram", () => {
    const h = fromValues([0.1, 7, 7.5, 2500]);
    const back = fromJSON(JSON.parse(JSON.stringify(h)));
    expect(back).toEqual(h);
    expect(fromJSON(JSON.parse(JSON.stringify(empty())))).toEqual(empty());
  });

  it("rejects malformed or foreign JSON", () => {
    expect(() => fromJSON(null)).toThrow(TypeError);
    expect(() => fromJSON({ ...empty(), v: 2 })).toThrow(TypeError);
    expect(() => fromJSON({ ...empty(), counts: [] })).toThrow(TypeError);
    expect(() => fromJSON({ ...empty(), n: "3" })).toThrow(TypeError);
    const bad = empty();
    bad.counts[3] = -1;
    expect(() => fromJSON(bad)).toThrow(TypeError);
  });
});

describe("trailing windows", () => {
  const now = new Date("2025-03-31T15:00:00Z");

  it("selects the last N UTC days, with or without today", () => {
    expect(dayKey(now)).toBe("2025-03-31");
    expect(inTrailingWindow("2025-03-31", now, 30)).toBe(true);
    expect(inTrailingWindow("2025-03-02", now, 30)).toBe(true);
    expect(inTrailingWindow("2025-03-01", now, 30)).toBe(false);
    expect(inTrailingWindow("2025-03-31", now, 30, false)).toBe(false);
    expect(inTrailingWindow("2025-03-01", now, 30, false)).toBe(true);
    expect(inTrailingWindow("2025-02-28", now, 30, false)).toBe(false);
    expect(inTrailingWindow("not a day", now, 30)).toBe(false);
  });

  it("merges only the rows inside the window", () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ day: dayBefore(now, i), histogram: fromValues([i]) }));
    expect(count(mergeTrailing(rows, now, 30))).toBe(30);
    const baseline = mergeTrailing(rows, now, 30, false);
    expect(count(baseline)).toBe(30);
    expect(baseline.min).toBe(1);
    expect(baseline.max).toBe(30);
  });
});

describe("sumQuantiles (convolution)", () => {
  it("matches Monte Carlo quantiles of a sum of independent log-normals within 5 %", () => {
    const rng = mulberry32(3);
    const a = Array.from({ length: 5000 }, () => lognormal(rng, 30, 0.6));
    const b = Array.from({ length: 5000 }, () => lognormal(rng, 72, 0.35));
    // 50 000 draws put the Monte Carlo quantiles within ≈ 0.5 % of the true ones: far inside the 5 %.
    const sums = Array.from({ length: 50_000 }, () => lognormal(rng, 30, 0.6) + lognormal(rng, 72, 0.35));
    const qs = [0.05, 0.1, 0.5, 0.9, 0.95];
    const est = sumQuantiles(fromValues(a), fromValues(b), qs);
    const exact = exactQuantiles(sums, qs);
    qs.forEach((_q, i) => expect(Math.abs(est[i]! - exact[i]!) / exact[i]!).toBeLessThan(0.05));
  });

  it("is exact for point masses and null when a side is empty", () => {
    expect(sumQuantiles(fromValues([10, 10]), fromValues([30]), [0.1, 0.9])).toEqual([40, 40]);
    expect(sumQuantiles(empty(), fromValues([30]), [0.5])).toEqual([null]);
  });
});
