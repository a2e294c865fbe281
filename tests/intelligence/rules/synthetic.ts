// Deterministic synthetic data for the delivery-intelligence tests: a tiny seeded PRNG (mulberry32)
// and the distributions built on it. Same seed, same data, on every machine.
// Relative imports: the bench runs this under tsx (bench/delivery-window.ts via ./held-out).
import { DAY_MS, HOUR_MS, dayKey } from "../../../app/lib/time";

export type Rng = () => number;

/** mulberry32: a 32-bit seeded PRNG with uniform output in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Integer uniform in [lo, hi]. */
export function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Standard normal (Box–Muller). */
export function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with the given median and log-space standard deviation. */
export function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Exact q-quantile of a sample: the smallest x with at least q·n values ≤ x (q = 0 gives the min). */
export function exactQuantile(values: readonly number[], q: number): number {
  return exactQuantiles(values, [q])[0]!;
}

/** exactQuantile for several q, sorting the sample once (sorting dominates on large samples). */
export function exactQuantiles(values: readonly number[], qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return qs.map((q) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!);
}

export const HOUR = HOUR_MS;
export const DAY = DAY_MS;

export function hoursAfter(at: Date, hours: number): Date {
  return new Date(at.getTime() + hours * HOUR);
}

/** "YYYY-MM-DD" (UTC) of the day `daysBack` days before `now`. */
export function dayBefore(now: Date, daysBack: number): string {
  return dayKey(new Date(now.getTime() - daysBack * DAY));
}

/** A component of delivery time, log-normal in hours. */
export interface DurationModel {
  median: number;
  sigma: number;
}

export interface SyntheticOrder {
  orderPlacedAt: Date;
  fulfilledAt: Date;
  deliveredAt: Date;
  processingHours: number;
  transitHours: number;
}

/** Orders placed uniformly over 90 days before `end`, with independent processing and transit times. */
export function syntheticOrders(
  rng: Rng,
  n: number,
  processing: DurationModel,
  transit: DurationModel,
  end: Date,
): SyntheticOrder[] {
  const out: SyntheticOrder[] = [];
  for (let i = 0; i < n; i++) {
    const orderPlacedAt = new Date(end.getTime() - uniform(rng, 0, 90) * DAY);
    const processingHours = lognormal(rng, processing.median, processing.sigma);
    const transitHours = lognormal(rng, transit.median, transit.sigma);
    const fulfilledAt = hoursAfter(orderPlacedAt, processingHours);
    out.push({
      orderPlacedAt,
      fulfilledAt,
      deliveredAt: hoursAfter(fulfilledAt, transitHours),
      processingHours,
      transitHours,
    });
  }
  return out;
}
