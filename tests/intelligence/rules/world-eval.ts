// Held-out (prequential) evaluation of delivery windows on a synthetic shop (world.ts): each day the
// model is rebuilt from the deliveries that had already arrived, every order placed that day gets a
// window, and the window is scored against the delivery the model has not seen. Two baselines are
// computed in the same run from the same history: the per-lane empirical 10th–90th percentile of
// order → delivered so far (the lane is the destination region, what is known at order time; the
// global one while the region has fewer than BASELINE_MIN_SAMPLES), and one global 10th–90th window.
// The bench reports it per segment (bench/delivery-window.ts); the unit tests run a small world.
import {
  type BusinessCalendar,
  addBusinessHours,
  businessHoursBetween,
} from "../../../app/intelligence/rules/business-hours";
import { add, empty } from "../../../app/intelligence/rules/histogram";
import {
  type DailyHistogram,
  type WindowModel,
  DEFAULT_CONFIDENCE,
  HISTORY_DAYS,
  buildWindowModel,
  predictWindow,
} from "../../../app/intelligence/rules/window-model";
import { DAY_MS, HOUR_MS, dayKey } from "../../../app/lib/time";
import {
  SLOWDOWN,
  WORLD_DAYS,
  WORLD_ORIGIN,
  WORLD_START,
  type WorldOrder,
  generateWorld,
  worldCalendar,
} from "./world";

export const BASELINE_MIN_SAMPLES = 10;
/** Own deliveries below which a lane counts as cold. */
export const COLD_SAMPLES = 30;
/** The shop's first days: everything is cold, the route defaults carry the window. */
export const NEW_SHOP_DAYS = 30;

export type Method = "waypoint" | "lane_p10_p90" | "global_p10_p90";
export const METHODS: readonly Method[] = ["waypoint", "lane_p10_p90", "global_p10_p90"];

export interface Scores {
  n: number;
  coverage: number;
  late: number;
  early: number;
  /** Mean window width, days. */
  widthDays: number;
  /** Mean |delivered − window midpoint|, days. */
  midErrorDays: number;
}

export const SEGMENTS = [
  "all",
  "steady",
  "long_haul",
  "cross_border",
  "cold_lane",
  "black_friday",
  "december",
  "carrier_slowdown",
  "new_shop",
  "after_fulfillment",
  "after_fulfillment_cold",
] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface EvalOptions {
  seed: number;
  ordersPerDay: number;
  confidence?: number;
  halfLifeDays?: number;
  /** Count parcels still out as censored durations (default true; false to measure what it adds). */
  censoring?: boolean;
  priorStrength?: number;
  earlyShare?: number;
}

export type EvalResult = Record<Segment, Record<Method, Scores>> & {
  /**
   * The per-lane empirical baseline widened (symmetric [q, 1 − q] of the same history, q ≤ 0.1) until
   * it covers at least as much as Waypoint on the segment: the width it needs for equal coverage.
   */
  matched: Record<Segment, Scores & { q: number }>;
};

interface BaselineCase {
  placed: number;
  delivered: number;
  history: Float64Array;
}

/** Scores of the lane baseline at [q, 1 − q] on some cases. */
function laneAt(cases: readonly BaselineCase[], q: number): Scores {
  const a = new Acc();
  for (const c of cases)
    a.add(c.placed + pct(c.history, q) * HOUR_MS, c.placed + pct(c.history, 1 - q) * HOUR_MS, c.delivered);
  return a.scores();
}

/** The widest-needed q: the largest q ≤ 0.1 whose coverage reaches `coverage` (bisection; q = 0 at worst). */
function matchCoverage(cases: readonly BaselineCase[], coverage: number): Scores & { q: number } {
  if (cases.length === 0) return { ...new Acc().scores(), q: 0.1 };
  let lo = 0;
  let hi = 0.1;
  if (laneAt(cases, hi).coverage >= coverage) return { ...laneAt(cases, hi), q: hi };
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (laneAt(cases, mid).coverage >= coverage) lo = mid;
    else hi = mid;
  }
  return { ...laneAt(cases, lo), q: lo };
}

class Acc {
  n = 0;
  inside = 0;
  late = 0;
  early = 0;
  width = 0;
  mid = 0;
  add(start: number, end: number, delivered: number) {
    this.n++;
    if (delivered < start) this.early++;
    else if (delivered > end) this.late++;
    else this.inside++;
    this.width += (end - start) / DAY_MS;
    this.mid += Math.abs(delivered - (start + end) / 2) / DAY_MS;
  }
  scores(): Scores {
    const d = this.n || 1;
    return {
      n: this.n,
      coverage: this.inside / d,
      late: this.late / d,
      early: this.early / d,
      widthDays: this.width / d,
      midErrorDays: this.mid / d,
    };
  }
}

/** Nearest-rank percentile of an ascending array. */
function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const LONG_HAUL = new Set(["US-CA", "US-WA", "US-AK", "US-HI"]);

function dayIndexOf(at: Date): number {
  return Math.floor((at.getTime() - WORLD_START.getTime()) / DAY_MS);
}

/** Daily rows as LaneStat holds them, and the model of every day from the rows before it. */
function modelsByDay(
  orders: readonly WorldOrder[],
  cal: BusinessCalendar,
  halfLifeDays?: number,
  censoring = true,
  priorStrength?: number,
): WindowModel[] {
  const transit = new Map<string, DailyHistogram>();
  const processing = new Map<string, DailyHistogram>();
  const byDelivered = [...orders].sort((a, b) => a.deliveredAt.getTime() - b.deliveredAt.getTime());
  const byFulfilled = [...orders].sort((a, b) => a.fulfilledAt.getTime() - b.fulfilledAt.getTime());
  let di = 0;
  let fi = 0;
  const row = (rows: Map<string, DailyHistogram>, key: string, base: Omit<DailyHistogram, "histogram">) => {
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { ...base, histogram: empty() }));
    return r;
  };
  const models: WindowModel[] = [];
  for (let day = 0; day < WORLD_DAYS; day++) {
    const now = new Date(WORLD_START.getTime() + day * DAY_MS);
    for (; di < byDelivered.length && byDelivered[di]!.deliveredAt < now; di++) {
      const o = byDelivered[di]!;
      const d = dayKey(o.deliveredAt);
      const r = row(transit, `${d}|${o.carrier}|${o.region}`, {
        day: d,
        carrier: o.carrier,
        service: o.service,
        region: o.region,
      });
      r.histogram = add(r.histogram, businessHoursBetween(cal, o.fulfilledAt, o.deliveredAt));
    }
    for (; fi < byFulfilled.length && byFulfilled[fi]!.fulfilledAt < now; fi++) {
      const o = byFulfilled[fi]!;
      const d = dayKey(o.fulfilledAt);
      const r = row(processing, d, { day: d });
      r.histogram = add(r.histogram, businessHoursBetween(cal, o.orderPlacedAt, o.fulfilledAt));
    }
    // Parcels still out and orders not shipped yet, as the service reads them at prediction time.
    const inFlight: Array<{ carrier: string; service: string; region: string; hours: number }> = [];
    const unfulfilledHours: number[] = [];
    if (censoring)
      for (const o of orders) {
        if (o.day < day - 45) continue;
        if (o.orderPlacedAt >= now) break;
        if (o.fulfilledAt >= now) unfulfilledHours.push(businessHoursBetween(cal, o.orderPlacedAt, now));
        else if (o.deliveredAt >= now)
          inFlight.push({
            carrier: o.carrier,
            service: o.service,
            region: o.region,
            hours: businessHoursBetween(cal, o.fulfilledAt, now),
          });
      }
    const since = dayKey(new Date(now.getTime() - HISTORY_DAYS * DAY_MS));
    const recent = (rows: Map<string, DailyHistogram>) => [...rows.values()].filter((r) => r.day >= since);
    models.push(
      buildWindowModel({
        now,
        originCountry: WORLD_ORIGIN,
        processing: recent(processing),
        transit: recent(transit),
        inFlight,
        unfulfilledHours,
        halfLifeDays,
        priorStrength,
      }),
    );
  }
  return models;
}

/** Runs one world and scores every method on every segment. */
export function evaluateWorld(opts: EvalOptions): EvalResult {
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  const orders = generateWorld(opts.seed, opts.ordersPerDay);
  const cal = worldCalendar();
  const models = modelsByDay(orders, cal, opts.halfLifeDays, opts.censoring ?? true, opts.priorStrength);
  const acc = new Map<string, Acc>();
  const score = (seg: Segment, m: Method, start: number, end: number, delivered: number) => {
    const k = `${seg}|${m}`;
    let a = acc.get(k);
    if (!a) acc.set(k, (a = new Acc()));
    a.add(start, end, delivered);
  };
  // Baseline history: order → delivered hours of deliveries known at the start of each day.
  const byDelivered = [...orders].sort((a, b) => a.deliveredAt.getTime() - b.deliveredAt.getTime());
  const spans = new Map<string, number[]>();
  const all: number[] = [];
  const laneCount = new Map<string, number>();
  let di = 0;
  const offsets = new Map<string, [number, number]>();
  const cases = new Map<Segment, BaselineCase[]>();
  for (let day = 0; day < WORLD_DAYS; day++) {
    const now = new Date(WORLD_START.getTime() + day * DAY_MS);
    for (; di < byDelivered.length && byDelivered[di]!.deliveredAt < now; di++) {
      const o = byDelivered[di]!;
      const h = (o.deliveredAt.getTime() - o.orderPlacedAt.getTime()) / HOUR_MS;
      const list = spans.get(o.region) ?? [];
      list.push(h);
      spans.set(o.region, list);
      all.push(h);
      const lk = `${o.carrier}|${o.region}`;
      laneCount.set(lk, (laneCount.get(lk) ?? 0) + 1);
    }
    const globalSorted = Float64Array.from(all).sort();
    const laneSorted = new Map<string, Float64Array>();
    const model = models[day]!;
    for (const o of orders) {
      if (o.day !== day) continue;
      const delivered = o.deliveredAt.getTime();
      const placed = o.orderPlacedAt.getTime();
      // Waypoint at order time: destination known, carrier not.
      const key = o.region;
      let off = offsets.get(`${day}|${key}`);
      if (!off) {
        const w = predictWindow(
          model,
          cal,
          { orderPlacedAt: o.orderPlacedAt, destRegion: o.region, destCountry: o.country },
          confidence,
          opts.earlyShare,
        );
        off = [w.lowHours, w.highHours];
        offsets.set(`${day}|${key}`, off);
      }
      const ours = [
        addBusinessHours(cal, o.orderPlacedAt, off[0]).getTime(),
        addBusinessHours(cal, o.orderPlacedAt, off[1]).getTime(),
      ] as const;
      let ls = laneSorted.get(o.region);
      if (!ls) {
        const own = spans.get(o.region) ?? [];
        ls = own.length >= BASELINE_MIN_SAMPLES ? Float64Array.from(own).sort() : globalSorted;
        laneSorted.set(o.region, ls);
      }
      const windows: Record<Method, readonly [number, number] | null> = {
        waypoint: ours,
        lane_p10_p90: ls.length ? [placed + pct(ls, 0.1) * HOUR_MS, placed + pct(ls, 0.9) * HOUR_MS] : null,
        global_p10_p90: globalSorted.length
          ? [placed + pct(globalSorted, 0.1) * HOUR_MS, placed + pct(globalSorted, 0.9) * HOUR_MS]
          : null,
      };
      const segs: Segment[] = ["all"];
      const md = o.orderPlacedAt.toISOString().slice(5, 10);
      const peak = md >= "11-24";
      const slowed = o.region === SLOWDOWN.region && day >= SLOWDOWN.day;
      const cold = (spans.get(o.region)?.length ?? 0) < COLD_SAMPLES;
      if (day < NEW_SHOP_DAYS) segs.push("new_shop");
      else {
        if (cold) segs.push("cold_lane");
        if (LONG_HAUL.has(o.region)) segs.push("long_haul");
        if (o.country !== WORLD_ORIGIN) segs.push("cross_border");
        if (md >= "11-24" && md <= "12-07") segs.push("black_friday");
        if (md >= "12-08" && md <= "12-31") segs.push("december");
        if (slowed) segs.push("carrier_slowdown");
        if (!peak && !slowed && !cold && !LONG_HAUL.has(o.region) && o.country === WORLD_ORIGIN) segs.push("steady");
      }
      if (!windows.lane_p10_p90) continue; // no history at all yet: the baselines have no window to give
      for (const m of METHODS) for (const s of segs) score(s, m, windows[m]![0], windows[m]![1], delivered);
      for (const s of segs) {
        const list = cases.get(s) ?? [];
        list.push({ placed, delivered, history: ls });
        cases.set(s, list);
      }
    }
  }
  // After fulfillment: the carrier and service are known; the model of the fulfillment's day.
  const fulfilledCount = new Map<string, number>();
  const byFulfilled = [...orders].sort((a, b) => a.fulfilledAt.getTime() - b.fulfilledAt.getTime());
  const delivered = [...byDelivered];
  let k = 0;
  for (const o of byFulfilled) {
    const day = dayIndexOf(o.fulfilledAt);
    if (day < NEW_SHOP_DAYS || day >= WORLD_DAYS) continue;
    const dayStart = WORLD_START.getTime() + day * DAY_MS;
    for (; k < delivered.length && delivered[k]!.deliveredAt.getTime() < dayStart; k++) {
      const d = delivered[k]!;
      const lk = `${d.carrier}|${d.region}`;
      fulfilledCount.set(lk, (fulfilledCount.get(lk) ?? 0) + 1);
    }
    const w = predictWindow(
      models[day]!,
      cal,
      {
        orderPlacedAt: o.orderPlacedAt,
        firstFulfilledAt: o.fulfilledAt,
        carrier: o.carrier,
        service: o.service,
        destRegion: o.region,
        destCountry: o.country,
      },
      confidence,
      opts.earlyShare,
    );
    score("after_fulfillment", "waypoint", w.start.getTime(), w.end.getTime(), o.deliveredAt.getTime());
    if ((fulfilledCount.get(`${o.carrier}|${o.region}`) ?? 0) < COLD_SAMPLES)
      score("after_fulfillment_cold", "waypoint", w.start.getTime(), w.end.getTime(), o.deliveredAt.getTime());
  }
  const out = { matched: {} } as EvalResult;
  for (const s of SEGMENTS) {
    out[s] = {} as Record<Method, Scores>;
    for (const m of METHODS) out[s][m] = (acc.get(`${s}|${m}`) ?? new Acc()).scores();
    out.matched[s] = matchCoverage(cases.get(s) ?? [], out[s].waypoint.coverage);
  }
  return out;
}

/** Pools several worlds' scores (weighted by orders). */
function pooled(rows: readonly Scores[]): Scores {
  const n = rows.reduce((a, r) => a + r.n, 0);
  const w = (f: keyof Scores) => rows.reduce((a, r) => a + r[f] * r.n, 0) / (n || 1);
  return {
    n,
    coverage: w("coverage"),
    late: w("late"),
    early: w("early"),
    widthDays: w("widthDays"),
    midErrorDays: w("midErrorDays"),
  };
}

/** Pools several worlds' scores (weighted by orders; the matched q is the orders-weighted mean). */
export function pool(results: readonly EvalResult[]): EvalResult {
  const out = { matched: {} } as EvalResult;
  for (const s of SEGMENTS) {
    out[s] = {} as Record<Method, Scores>;
    for (const m of METHODS) out[s][m] = pooled(results.map((r) => r[s][m]));
    const matched = results.map((r) => r.matched[s]);
    const p = pooled(matched);
    out.matched[s] = { ...p, q: matched.reduce((a, r) => a + r.q * r.n, 0) / (p.n || 1) };
  }
  return out;
}
