// The delivery-window model (decision 004, revised for issue 19): durations in business hours on the
// shop's calendar (business-hours.ts), recency-weighted daily histograms, and hierarchical shrinkage
// from the most specific lane down to a route default, so a thin lane borrows from its parent in
// proportion to its own evidence instead of jumping between levels at a sample-count threshold.
//
//   order → delivered  =  processing (order → first fulfillment, per shop)
//                       + transit    (first fulfillment → delivered, per lane)
//
// Transit levels, most specific first; each one's posterior is its own (decayed) counts plus
// PRIOR_STRENGTH pseudo-samples shaped like its parent's posterior:
//   carrier+service+region → carrier+region → region (any carrier) → country (any carrier)
//     → the shop's own route (domestic | cross-border) → route default
// At order time the carrier is unknown, so the chain starts at the destination's region: every
// customer gets the window of where they live. At fulfillment it starts at the carrier's lane.
import {
  type Histogram,
  BUCKET_COUNT,
  add,
  bucketBounds,
  bucketIndex,
  empty,
  quantile,
  sumQuantiles,
} from "./histogram";
import { type BusinessCalendar, addBusinessHours } from "./business-hours";
import { DAY_MS } from "../../lib/time";

// --- Parameters ------------------------------------------------------------------------------------

/** Confidence levels a shop can choose for its promise (share of parcels inside the window). */
export const CONFIDENCE_LEVELS = [0.8, 0.9, 0.95] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];
export const DEFAULT_CONFIDENCE: Confidence = 0.9;

/**
 * Each tail is calibrated on its own: the share of the (1 − confidence) outside the window that is
 * allowed on the early side and on the late side. Late parcels disappoint and early ones rarely do,
 * and estimation lags (a slowdown is learned only from parcels that already arrived) push parcels
 * late, so the late tail gets the smaller share. Tuned on the tuning world (bench, seed 1): at 0.5
 * the Black Friday weeks ran 8.5 % late, at 0.6 7.0 %; a smaller early share (0.3–0.4) would narrow
 * windows by ~8 % at equal coverage but let peak weeks run 10–12 % late (decision 004, Open).
 */
export const EARLY_TAIL_SHARE = 0.6; // the late tail gets the rest

/** Half-life of a daily row's weight: a slowdown shows up in days, while a quiet lane keeps its memory. */
export const HALF_LIFE_DAYS = 5;
/** Daily rows read back (older ones weigh almost nothing at the half-life above). */
export const HISTORY_DAYS = 90;

/** Pseudo-samples a level borrows from its parent: at this much own (decayed) evidence it is half its own. */
export const PRIOR_STRENGTH = 3;
/** Pseudo-samples the route default lends the shop's own history: the shop's replaces it almost at once. */
export const DEFAULT_PRIOR_STRENGTH = 3;

/** Countries whose domestic parcels routinely travel far (continental distances). */
const LARGE_COUNTRIES = new Set(["US", "CA", "AU", "BR", "RU", "CN", "IN", "MX", "AR", "ZA", "KZ"]);

export type Route = "domestic_small" | "domestic_large" | "cross_border";

/** Log-normal defaults in business hours (24 per business day): median and log-space spread. */
export const ROUTE_DEFAULTS: Record<Route | "processing", { medianHours: number; sigma: number }> = {
  processing: { medianHours: 24, sigma: 0.6 },
  domestic_small: { medianHours: 36, sigma: 0.45 },
  domestic_large: { medianHours: 80, sigma: 0.5 },
  cross_border: { medianHours: 190, sigma: 0.5 },
};

// --- Types -----------------------------------------------------------------------------------------

/** One daily row of a lane (transit_bhours), or of the shop (processing_bhours: lane fields empty). */
export interface DailyHistogram {
  /** UTC "YYYY-MM-DD" the row is for (LaneStat.day). */
  day: string;
  carrier?: string;
  service?: string;
  /** "US-OH", a bare country "US", or "". */
  region?: string;
  histogram: Histogram;
}

export interface WindowModelInput {
  now: Date;
  originCountry: string | null;
  processing: readonly DailyHistogram[];
  transit: readonly DailyHistogram[];
  /**
   * Parcels shipped and not delivered yet, with their business hours since fulfillment (carrier keys
   * as grouped by the caller, carrierKey). They are the first sign of a slowdown: a lane whose parcels
   * are all still out after its usual time is slower now, before any of them arrives.
   */
  inFlight?: ReadonlyArray<{ carrier?: string; service?: string; region?: string; hours: number }>;
  /** Business hours since the order of orders not fulfilled yet. */
  unfulfilledHours?: readonly number[];
  halfLifeDays?: number;
  /** PRIOR_STRENGTH unless tuning (the bench's sweeps). */
  priorStrength?: number;
}

export interface WindowModel {
  originCountry: string | null;
  priorStrength: number;
  processing: Histogram;
  processingCensored: Histogram;
  levels: Map<string, Histogram>;
  /** Per level key, the ages of parcels still out (right-censored durations). */
  censored: Map<string, Histogram>;
}

export type WindowLevel = "carrier_service_region" | "carrier_region" | "region" | "country" | "shop_route" | "default";

export interface WindowQuery {
  carrier?: string | null;
  service?: string | null;
  /** "US-OH" or "US". */
  destRegion?: string | null;
  destCountry?: string | null;
}

export interface WindowPrediction {
  start: Date;
  end: Date;
  /** The most specific level with evidence of its own. */
  source: WindowLevel;
  /** Own (decayed) samples at that level, rounded. */
  sampleSize: number;
  confidence: number;
  /** Business-hour offsets of the window's ends (for the bench and for explaining the window). */
  lowHours: number;
  highHours: number;
}

// --- Histogram helpers -----------------------------------------------------------------------------

/** The histogram with every weight multiplied by w (min/max kept: they bound the values, not weights). */
export function scaled(h: Histogram, w: number): Histogram {
  return { ...h, counts: h.counts.map((c) => c * w), n: h.n * w, sum: h.sum * w };
}

function mergeInto(out: Histogram, h: Histogram, w = 1, perBucket?: readonly number[]): void {
  if (h.n <= 0 || w <= 0) return;
  let n = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const c = h.counts[i]! * w * (perBucket ? perBucket[i]! : 1);
    out.counts[i] = out.counts[i]! + c;
    n += c;
  }
  out.sum += h.n > 0 ? (h.sum / h.n) * n : 0;
  out.n += n;
  if (h.min !== null) out.min = out.min === null ? h.min : Math.min(out.min, h.min);
  if (h.max !== null) out.max = out.max === null ? h.max : Math.max(out.max, h.max);
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lowP) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** A deterministic unit-weight histogram of a log-normal: 200 evenly spaced quantiles. */
export function lognormalHistogram(medianHours: number, sigma: number, points = 200): Histogram {
  let h = empty();
  for (let i = 0; i < points; i++)
    h = add(h, medianHours * Math.exp(sigma * normalQuantile((i + 0.5) / points)), 1 / points);
  return h;
}

const DEFAULT_HISTOGRAMS = new Map<string, Histogram>();
function routeDefault(route: Route | "processing"): Histogram {
  let h = DEFAULT_HISTOGRAMS.get(route);
  if (!h) {
    h = lognormalHistogram(ROUTE_DEFAULTS[route].medianHours, ROUTE_DEFAULTS[route].sigma);
    DEFAULT_HISTOGRAMS.set(route, h);
  }
  return h;
}

// --- Keys ------------------------------------------------------------------------------------------

const norm = (s: string | null | undefined) => (s ?? "").trim().toLowerCase();
const normRegion = (s: string | null | undefined) => (s ?? "").trim().toUpperCase();
const countryOf = (region: string) => /^([A-Z]{2})(?:-|$)/.exec(region)?.[1] ?? "";

/** The route of a destination country from the shop's origin (unknown either side: domestic). */
export function routeOf(originCountry: string | null, destCountry: string): Route {
  const o = normRegion(originCountry);
  if (o && destCountry && o !== destCountry) return "cross_border";
  return LARGE_COUNTRIES.has(destCountry || o) ? "domestic_large" : "domestic_small";
}

interface Chain {
  keys: Array<{ level: WindowLevel; key: string }>;
  route: Route;
}

function chainFor(originCountry: string | null, q: WindowQuery): Chain {
  const carrier = norm(q.carrier);
  const service = norm(q.service);
  const region = normRegion(q.destRegion) || normRegion(q.destCountry);
  const country = normRegion(q.destCountry) || countryOf(region);
  const route = routeOf(originCountry, country);
  const keys: Chain["keys"] = [];
  if (carrier && service && region)
    keys.push({ level: "carrier_service_region", key: `csr|${carrier}|${service}|${region}` });
  if (carrier && region) keys.push({ level: "carrier_region", key: `cr|${carrier}|${region}` });
  if (region && region !== country) keys.push({ level: "region", key: `r|${region}` });
  if (country) keys.push({ level: "country", key: `n|${country}` });
  keys.push({ level: "shop_route", key: `route|${route === "cross_border" ? "x" : "d"}` });
  return { keys, route };
}

// --- Building --------------------------------------------------------------------------------------

function ageDays(day: string, now: Date): number {
  const t = Date.parse(`${day}T12:00:00Z`);
  return Number.isFinite(t) ? Math.max(0, (now.getTime() - t) / DAY_MS) : 0;
}

/** Calendar days per business day, roughly (a 5-day week): to age a duration kept in business hours. */
const CALENDAR_PER_BUSINESS = 7 / 5;

/**
 * Per-bucket factors that move a row's decay from the day it was recorded (delivery) back to the day
 * its parcel left (fulfillment): 0.5^(duration / half-life). Without it a long transit, recorded
 * later, weighs more than a short one of the same cohort and the window drifts late.
 */
function cohortFactors(halfLifeDays: number): number[] {
  return Array.from(
    { length: BUCKET_COUNT },
    (_, i) => 0.5 ** ((bucketMid(i) * CALENDAR_PER_BUSINESS) / 24 / halfLifeDays),
  );
}

/** Decays each daily row by its parcels' age and merges rows into every level they belong to. */
export function buildWindowModel(input: WindowModelInput): WindowModel {
  const halfLife = input.halfLifeDays ?? HALF_LIFE_DAYS;
  const weight = (day: string) => 0.5 ** (ageDays(day, input.now) / halfLife);
  const cohort = cohortFactors(halfLife);
  const ageWeight = (hours: number) => 0.5 ** ((hours * CALENDAR_PER_BUSINESS) / 24 / halfLife);
  const origin = input.originCountry ? normRegion(input.originCountry) : null;
  const levels = new Map<string, Histogram>();
  const into = (key: string, h: Histogram, w: number) => {
    let out = levels.get(key);
    if (!out) levels.set(key, (out = empty()));
    mergeInto(out, h, w, cohort);
  };
  for (const row of input.transit) {
    const w = weight(row.day);
    const { keys } = chainFor(origin, { carrier: row.carrier, service: row.service, destRegion: row.region });
    for (const { key } of keys) into(key, row.histogram, w);
  }
  const censored = new Map<string, Histogram>();
  for (const p of input.inFlight ?? []) {
    if (!(p.hours >= 0) || p.hours > MAX_IN_FLIGHT_HOURS) continue;
    const { keys } = chainFor(origin, { carrier: p.carrier, service: p.service, destRegion: p.region });
    for (const { key } of keys) censored.set(key, add(censored.get(key) ?? empty(), p.hours, ageWeight(p.hours)));
  }
  const processing = empty();
  for (const row of input.processing) mergeInto(processing, row.histogram, weight(row.day), cohort);
  let processingCensored = empty();
  for (const h of input.unfulfilledHours ?? [])
    if (h >= 0 && h <= MAX_IN_FLIGHT_HOURS) processingCensored = add(processingCensored, h, ageWeight(h));
  return {
    originCountry: origin,
    priorStrength: input.priorStrength ?? PRIOR_STRENGTH,
    processing,
    processingCensored,
    levels,
    censored,
  };
}

/** Parcels out longer than this (business hours: 6 weeks) are lost, not slow: they are not counted. */
export const MAX_IN_FLIGHT_HOURS = 30 * 24;

/**
 * The posterior of a level: its own deliveries plus `strength` pseudo-deliveries shaped like the
 * parent, with the parcels still out counted as "at least this long" (a Kaplan–Meier estimate over
 * the shared buckets). Mass that survives past every delivery follows the parent's tail; past the
 * parent's too, it sits just beyond the oldest parcel still out.
 */
function shrink(own: Histogram | undefined, parent: Histogram, strength: number, censored?: Histogram): Histogram {
  const deaths = empty();
  if (own) mergeInto(deaths, own);
  if (parent.n > 0) mergeInto(deaths, parent, strength / parent.n);
  if (!censored || censored.n <= 0) return deaths;
  const total = deaths.n + censored.n;
  let atRisk = total;
  let survival = 1;
  const out = empty();
  let sum = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const d = deaths.counts[i]!;
    const c = censored.counts[i]!;
    if (d > 0 && atRisk > 0) {
      const h = Math.min(1, d / atRisk);
      out.counts[i] = survival * h * total;
      survival *= 1 - h;
    }
    atRisk -= d + c;
  }
  if (survival > 1e-9) {
    const max = censored.max ?? 0;
    const i = Math.min(BUCKET_COUNT - 1, bucketIndex(max) + 2);
    out.counts[i] = out.counts[i]! + survival * total;
  }
  out.n = total;
  out.min = deaths.min ?? censored.min;
  out.max = Math.max(deaths.max ?? 0, (censored.max ?? 0) * 1.2);
  for (let i = 0; i < BUCKET_COUNT; i++) if (out.counts[i]! > 0) sum += out.counts[i]! * bucketMid(i);
  out.sum = sum;
  return out;
}

function bucketMid(i: number): number {
  const [a, b] = bucketBounds(i);
  return Number.isFinite(b) ? Math.sqrt(Math.max(a, 0.25) * b) : a;
}

/** The shrunk transit posterior for a query, with the most specific level that has evidence. */
export function transitPosterior(
  model: WindowModel,
  q: WindowQuery,
): { histogram: Histogram; source: WindowLevel; sampleSize: number } {
  const chain = chainFor(model.originCountry, q);
  let posterior = routeDefault(chain.route);
  let source: WindowLevel = "default";
  let sampleSize = 0;
  let strength = DEFAULT_PRIOR_STRENGTH;
  for (let i = chain.keys.length - 1; i >= 0; i--) {
    const { level, key } = chain.keys[i]!;
    const own = model.levels.get(key);
    posterior = shrink(own, posterior, strength, model.censored.get(key));
    strength = model.priorStrength;
    if (own && own.n >= 1) {
      source = level;
      sampleSize = Math.round(own.n);
    }
  }
  return { histogram: posterior, source, sampleSize };
}

export function processingPosterior(model: WindowModel): Histogram {
  return shrink(model.processing, routeDefault("processing"), DEFAULT_PRIOR_STRENGTH, model.processingCensored);
}

/** The [early, late] quantile levels for a confidence, each tail on its own share. */
export function tailQuantiles(confidence: number, earlyShare: number = EARLY_TAIL_SHARE): [number, number] {
  const outside = 1 - confidence;
  return [outside * earlyShare, 1 - outside * (1 - earlyShare)];
}

/**
 * The window for an order: before fulfillment, processing + transit (a convolution of the two
 * posteriors) from the order; after, the carrier lane's transit from the fulfillment. Business hours
 * are laid on the shop's calendar, so a window never ends on a Sunday or a holiday.
 */
export function predictWindow(
  model: WindowModel,
  calendar: BusinessCalendar,
  order: WindowQuery & { orderPlacedAt: Date; firstFulfilledAt?: Date | null },
  confidence: number = DEFAULT_CONFIDENCE,
  earlyShare: number = EARLY_TAIL_SHARE,
): WindowPrediction {
  const qs = tailQuantiles(confidence, earlyShare);
  const transit = transitPosterior(model, order.firstFulfilledAt ? order : { ...order, carrier: null, service: null });
  let lo: number;
  let hi: number;
  let from: Date;
  if (order.firstFulfilledAt) {
    from = order.firstFulfilledAt;
    lo = quantile(transit.histogram, qs[0]) ?? 0;
    hi = quantile(transit.histogram, qs[1]) ?? lo;
  } else {
    from = order.orderPlacedAt;
    const [a, b] = sumQuantiles(processingPosterior(model), transit.histogram, qs);
    lo = a ?? 0;
    hi = b ?? lo;
  }
  return {
    start: addBusinessHours(calendar, from, lo),
    end: addBusinessHours(calendar, from, hi),
    source: transit.source,
    sampleSize: transit.sampleSize,
    confidence,
    lowHours: lo,
    highHours: hi,
  };
}
