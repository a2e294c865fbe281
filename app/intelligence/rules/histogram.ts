// A mergeable, fixed-bucket histogram of durations in hours.
//
// Why fixed buckets: LaneStat keeps one histogram per shop × metric × carrier × service × region × day.
// A trailing window (30, 60, 90 days) is the bucket-wise sum of the daily rows, so statistics are
// maintained incrementally and never recomputed from raw events. Every histogram uses the same bucket
// bounds, so any two can be merged, and the result is exactly the histogram of the union of their
// samples.
//
// Buckets (scheme v1):
//   index 0                 [0, 0.5 h)                     underflow: "about immediately"
//   index 1 .. 96           [0.5·2^((k-1)/8), 0.5·2^(k/8))  8 log-spaced buckets per doubling,
//                                                          0.5 h … 2048 h (≈ 85 days)
//   index 97                [2048 h, ∞)                    overflow
//
// Quantile error (documented bound, asserted in tests/intelligence/rules/histogram.test.ts): quantile(q) returns
// a value in the same bucket as the exact q-quantile of the samples added (the smallest x with
// cumulative weight ≥ q·total), interpolated within that bucket and clamped to the observed [min, max].
// So the error is at most one bucket width:
//   - values ≥ 0.5 h (and < 2048 h): |estimate − exact| ≤ (2^(1/8) − 1) · exact ≈ 9.05 % of the value;
//   - values < 0.5 h:                |estimate − exact| ≤ 0.5 h;
//   - values ≥ 2048 h:               |estimate − exact| ≤ max − 2048 h (beyond the useful range).
//
// The histogram is plain JSON (numbers and arrays only; no Infinity/NaN), so it can be stored as-is in
// LaneStat.histogram and read back with fromJSON(). Every function is pure: add() and merge() return new
// histograms and never mutate their inputs.

import { DAY_MS, dayStart, utcDayStart } from "../../lib/time";

/** Version of the bucket scheme. Histograms with another version are refused, never silently mixed. */
export const HISTOGRAM_VERSION = 1 as const;
/** Upper bound of the underflow bucket and lower bound of the first log bucket, in hours. */
export const HISTOGRAM_MIN_HOURS = 0.5;
/** Log buckets per doubling: bucket width is 2^(1/8) − 1 ≈ 9.05 % of its lower bound. */
export const BUCKETS_PER_DOUBLING = 8;
/** Doublings covered by the log buckets: 0.5 h · 2^12 = 2048 h ≈ 85 days (the brief asks for ~60 days). */
export const DOUBLINGS = 12;
/** Lower bound of the overflow bucket, in hours. */
export const HISTOGRAM_MAX_HOURS = HISTOGRAM_MIN_HOURS * 2 ** DOUBLINGS;
/** Total number of buckets: underflow + log buckets + overflow. */
export const BUCKET_COUNT = BUCKETS_PER_DOUBLING * DOUBLINGS + 2;
/** Worst-case relative quantile error inside the log range: one bucket width. */
export const RELATIVE_ERROR_BOUND = 2 ** (1 / BUCKETS_PER_DOUBLING) - 1;

/** A histogram of durations in hours. Plain JSON; treat as immutable. */
export interface Histogram {
  /** Bucket scheme version (see HISTOGRAM_VERSION). */
  v: typeof HISTOGRAM_VERSION;
  /** Total weight per bucket, dense, length BUCKET_COUNT. */
  counts: number[];
  /** Total weight (the sample count when every weight is 1). */
  n: number;
  /** Weighted sum of the values, so mean() is exact rather than bucket-approximated. */
  sum: number;
  /** Smallest and largest value added (null when empty), used to tighten the end buckets. */
  min: number | null;
  max: number | null;
}

/** Bucket lower bounds; LOWER[i+1] is bucket i's upper bound (Infinity for the overflow bucket). */
const LOWER: readonly number[] = (() => {
  const bounds = [0];
  for (let k = 0; k <= BUCKETS_PER_DOUBLING * DOUBLINGS; k++) {
    bounds.push(HISTOGRAM_MIN_HOURS * 2 ** (k / BUCKETS_PER_DOUBLING));
  }
  bounds.push(Infinity);
  return bounds;
})();

/** [lower, upper) bounds of bucket `index` in hours (upper is Infinity for the overflow bucket). */
export function bucketBounds(index: number): [number, number] {
  if (!Number.isInteger(index) || index < 0 || index >= BUCKET_COUNT) {
    throw new RangeError(`bucket index out of range: ${index}`);
  }
  return [LOWER[index]!, LOWER[index + 1]!];
}

/** The bucket a value (hours, ≥ 0) falls in. */
export function bucketIndex(hours: number): number {
  if (hours < HISTOGRAM_MIN_HOURS) return 0;
  if (hours >= HISTOGRAM_MAX_HOURS) return BUCKET_COUNT - 1;
  let i = Math.floor(BUCKETS_PER_DOUBLING * Math.log2(hours / HISTOGRAM_MIN_HOURS)) + 1;
  // Guard against floating-point error exactly at a bound.
  if (hours < LOWER[i]!) i -= 1;
  else if (hours >= LOWER[i + 1]!) i += 1;
  return i;
}

/** A histogram with no samples. */
export function empty(): Histogram {
  return { v: HISTOGRAM_VERSION, counts: new Array<number>(BUCKET_COUNT).fill(0), n: 0, sum: 0, min: null, max: null };
}

function checkValue(hours: number): number {
  if (!Number.isFinite(hours)) throw new RangeError(`histogram value must be finite, got ${hours}`);
  // A negative duration can only come from clock skew between sources; count it as "immediately".
  return Math.max(0, hours);
}

function checkWeight(weight: number): void {
  if (!Number.isFinite(weight) || weight < 0)
    throw new RangeError(`histogram weight must be finite and ≥ 0, got ${weight}`);
}

/** Adds into `h` in place. Internal: the exported functions never mutate their arguments. */
function addInPlace(h: Histogram, hours: number, weight: number): void {
  const value = checkValue(hours);
  checkWeight(weight);
  if (weight === 0) return;
  const i = bucketIndex(value);
  h.counts[i] = h.counts[i]! + weight;
  h.n += weight;
  h.sum += value * weight;
  h.min = h.min === null ? value : Math.min(h.min, value);
  h.max = h.max === null ? value : Math.max(h.max, value);
}

function clone(h: Histogram): Histogram {
  return { v: h.v, counts: h.counts.slice(), n: h.n, sum: h.sum, min: h.min, max: h.max };
}

/**
 * A new histogram with `hours` added `weight` times (default 1). Negative values count as 0 (clock
 * skew); non-finite values and negative weights throw.
 */
export function add(h: Histogram, hours: number, weight = 1): Histogram {
  const out = clone(h);
  addInPlace(out, hours, weight);
  return out;
}

/** A histogram of many values at once (one copy, not one per value). */
export function fromValues(values: Iterable<number>): Histogram {
  const out = empty();
  for (const v of values) addInPlace(out, v, 1);
  return out;
}

/** The histogram of the union of the samples of all arguments (e.g. daily rows → trailing window). */
export function merge(...hs: Histogram[]): Histogram {
  const out = empty();
  for (const h of hs) {
    if (h.v !== HISTOGRAM_VERSION || h.counts.length !== BUCKET_COUNT) {
      throw new TypeError(`cannot merge histogram of scheme v${String(h.v)} with ${h.counts.length} buckets`);
    }
    if (h.n === 0) continue;
    for (let i = 0; i < BUCKET_COUNT; i++) out.counts[i] = out.counts[i]! + h.counts[i]!;
    out.n += h.n;
    out.sum += h.sum;
    if (h.min !== null) out.min = out.min === null ? h.min : Math.min(out.min, h.min);
    if (h.max !== null) out.max = out.max === null ? h.max : Math.max(out.max, h.max);
  }
  return out;
}

/** Total weight (the number of samples when weights are 1). */
export function count(h: Histogram): number {
  return h.n;
}

/** Exact weighted mean of the values added, or null when empty. */
export function mean(h: Histogram): number | null {
  return h.n > 0 ? h.sum / h.n : null;
}

/** The bucket's range narrowed to the observed [min, max]. */
function clampedBounds(h: Histogram, index: number): [number, number] {
  const [lo, hi] = bucketBounds(index);
  const min = h.min ?? lo;
  const max = h.max ?? lo;
  const a = Math.min(Math.max(lo, min), max);
  const b = Math.max(Math.min(hi, max), a);
  return [a, b];
}

/**
 * Interpolates a fraction f ∈ [0, 1] of the way through [a, b]: geometric inside the log buckets,
 * linear in the underflow bucket.
 */
function interpolate(a: number, b: number, f: number): number {
  if (b <= a) return a;
  if (a >= HISTOGRAM_MIN_HOURS) return a * (b / a) ** f;
  return a + (b - a) * f;
}

/**
 * Estimated q-quantile (q ∈ [0, 1]) in hours, or null when the histogram is empty. quantile(h, 0) is
 * the minimum and quantile(h, 1) the maximum. Error at most one bucket width (see the header).
 */
export function quantile(h: Histogram, q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  if (h.n <= 0 || h.min === null || h.max === null) return null;
  if (q === 0) return h.min;
  if (q === 1) return h.max;
  const target = q * h.n;
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const c = h.counts[i]!;
    if (c <= 0) continue;
    last = i;
    if (cumulative + c >= target) {
      const [a, b] = clampedBounds(h, i);
      return interpolate(a, b, Math.min(1, Math.max(0, (target - cumulative) / c)));
    }
    cumulative += c;
  }
  // Only reachable through floating-point rounding of the cumulative sum.
  return last >= 0 ? h.max : null;
}

/** One representative value (clamped geometric midpoint) and weight per non-empty bucket. */
export function points(h: Histogram): Array<{ value: number; weight: number }> {
  const out: Array<{ value: number; weight: number }> = [];
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const c = h.counts[i]!;
    if (c <= 0) continue;
    const [a, b] = clampedBounds(h, i);
    out.push({ value: interpolate(a, b, 0.5), weight: c });
  }
  return out;
}

/**
 * Reads a histogram back from stored JSON (LaneStat.histogram), validating its shape. Throws on a
 * different bucket scheme rather than guessing.
 */
export function fromJSON(json: unknown): Histogram {
  if (typeof json !== "object" || json === null) throw new TypeError("histogram: not an object");
  const o = json as Record<string, unknown>;
  if (o.v !== HISTOGRAM_VERSION) throw new TypeError(`histogram: unsupported scheme ${String(o.v)}`);
  const counts = o.counts;
  if (!Array.isArray(counts) || counts.length !== BUCKET_COUNT) throw new TypeError("histogram: bad counts");
  const nums: number[] = [];
  for (const c of counts) {
    if (typeof c !== "number" || !Number.isFinite(c) || c < 0) throw new TypeError("histogram: bad count");
    nums.push(c);
  }
  const num = (x: unknown, name: string): number => {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new TypeError(`histogram: bad ${name}`);
    return x;
  };
  const optional = (x: unknown, name: string): number | null => (x === null || x === undefined ? null : num(x, name));
  return {
    v: HISTOGRAM_VERSION,
    counts: nums,
    n: num(o.n, "n"),
    sum: num(o.sum, "sum"),
    min: optional(o.min, "min"),
    max: optional(o.max, "max"),
  };
}

// --- Daily rows and trailing windows ------------------------------------------------------------

/** The first and last day starts (ms, UTC) of the trailing window; see inTrailingWindow. */
function trailingBounds(now: Date, days: number, includeToday: boolean): { first: number; last: number } {
  const todayStart = utcDayStart(now).getTime();
  const last = includeToday ? todayStart : todayStart - DAY_MS;
  return { first: last - (days - 1) * DAY_MS, last };
}

function inBounds(day: string, b: { first: number; last: number }): boolean {
  const start = dayStart(day)?.getTime();
  return start !== undefined && start >= b.first && start <= b.last;
}

/**
 * Whether a daily row belongs to the trailing window of `days` days ending at `now`: the `days` UTC
 * days up to and including today, or the `days` complete days before today when `includeToday` is
 * false (a baseline that an ongoing incident has not yet leaked into). A malformed day is outside.
 */
export function inTrailingWindow(day: string, now: Date, days: number, includeToday = true): boolean {
  return inBounds(day, trailingBounds(now, days, includeToday));
}

/** Merges the daily rows inside the trailing window (see inTrailingWindow). */
export function mergeTrailing(
  rows: Iterable<{ day: string; histogram: Histogram }>,
  now: Date,
  days: number,
  includeToday = true,
): Histogram {
  const bounds = trailingBounds(now, days, includeToday);
  const inWindow: Histogram[] = [];
  for (const r of rows) if (inBounds(r.day, bounds)) inWindow.push(r.histogram);
  return merge(...inWindow);
}

// --- Sums of independent durations ----------------------------------------------------------------

/**
 * Quantiles of X + Y for independent X ~ a and Y ~ b (a discrete convolution): each histogram is
 * reduced to one representative point per non-empty bucket (points()), every pair is summed with the
 * product of the weights, and the q-quantile is the smallest pair sum whose cumulative weight reaches
 * q · total. At most BUCKET_COUNT² pairs (≈ 9.6 k), usually a few hundred. Returns nulls when either
 * histogram is empty.
 */
export function sumQuantiles(a: Histogram, b: Histogram, qs: readonly number[]): Array<number | null> {
  const pa = points(a);
  const pb = points(b);
  if (pa.length === 0 || pb.length === 0) return qs.map(() => null);
  const pairs: Array<{ value: number; weight: number }> = [];
  let total = 0;
  for (const x of pa) {
    for (const y of pb) {
      const weight = x.weight * y.weight;
      pairs.push({ value: x.value + y.value, weight });
      total += weight;
    }
  }
  pairs.sort((p, r) => p.value - r.value);
  return qs.map((q) => {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
    const target = q * total;
    let cumulative = 0;
    for (const p of pairs) {
      cumulative += p.weight;
      if (cumulative >= target) return p.value;
    }
    return pairs[pairs.length - 1]!.value;
  });
}
