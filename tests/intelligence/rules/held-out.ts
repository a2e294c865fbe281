// Held-out evaluation of predicted delivery windows on synthetic lanes: train a model on one seeded
// shop and lane, then measure how many deliveries it never saw fall inside the window. The test suite
// runs it on a few lanes (tests/intelligence/rules/delivery-window.test.ts); the bench on many
// (bench/delivery-window.ts, `npm run bench -- --only windows`). Relative imports: the bench runs it
// under tsx, without the test suite's "~" alias.
import { type Histogram, fromValues } from "../../../app/intelligence/rules/histogram";
import {
  type LaneHistogram,
  type PredictedWindow,
  buildDeliveryModel,
  predictDeliveryWindow,
} from "../../../app/intelligence/rules/delivery-window";
import {
  type DurationModel,
  type Rng,
  exactQuantiles,
  lognormal,
  mulberry32,
  syntheticOrders,
  uniform,
} from "./synthetic";

const END = new Date("2025-06-01T00:00:00Z");

export function hist(rng: Rng, n: number, m: DurationModel): Histogram {
  return fromValues(Array.from({ length: n }, () => lognormal(rng, m.median, m.sigma)));
}

export function lane(carrier: string, service: string, region: string, h: Histogram): LaneHistogram {
  return { carrier, service, region, histogram: h };
}

export interface HeldOutOptions {
  /** Training samples: the shop's processing histogram and the lane's transit histogram. */
  processingSamples: number;
  transitSamples: number;
  /** Held-out orders the coverage is measured on. */
  heldOut: number;
  /** Predict from the first fulfillment (transit alone) instead of from the order. */
  afterFulfillment?: boolean;
}

export interface LaneResult {
  /** Share of held-out deliveries inside [start, end]. */
  coverage: number;
  /** Window width over the held-out 2–98 % range of the same span. */
  widthRatio: number;
  /** The transit level the prediction used (always the lane's own when it has enough samples). */
  source: PredictedWindow["source"];
  /** Whether every checked order got the same offsets (see below). */
  offsetsStable: boolean;
}

/** Orders whose full prediction is compared with the shared offsets, spread over the held-out set. */
const CHECKED_ORDERS = 12;

/**
 * Trains on a random shop (processing) and UPS Ground lane to Ohio (transit), plus a slow FedEx lane
 * that must not leak into it, and measures the window on held-out orders. With both components
 * learned the window sits at fixed offsets from the order (or the fulfillment), whatever the day: the
 * prediction is made in full for CHECKED_ORDERS orders across the 90 days (offsetsStable says they
 * agree) and the offsets are applied to the rest, which keeps a large held-out set cheap.
 */
export function heldOutLane(seed: number, opts: HeldOutOptions): LaneResult {
  const rng = mulberry32(seed);
  const p = { median: uniform(rng, 6, 60), sigma: uniform(rng, 0.3, 0.9) };
  const t = { median: uniform(rng, 30, 150), sigma: uniform(rng, 0.2, 0.6) };
  const model = buildDeliveryModel({
    originCountry: "US",
    processing: hist(rng, opts.processingSamples, p),
    transit: [
      lane("ups", "ground", "US-OH", hist(rng, opts.transitSamples, t)),
      lane("fedex", "home", "US-OH", hist(rng, 500, { median: 300, sigma: 0.2 })),
    ],
  });
  const test = syntheticOrders(rng, opts.heldOut, p, t, END);
  const anchor = (o: (typeof test)[number]) => (opts.afterFulfillment ? o.fulfilledAt : o.orderPlacedAt).getTime();
  const predict = (o: (typeof test)[number]) =>
    predictDeliveryWindow(model, {
      orderPlacedAt: o.orderPlacedAt,
      firstFulfilledAt: opts.afterFulfillment ? o.fulfilledAt : null,
      carrier: "UPS",
      service: "Ground",
      destRegion: "us-oh",
    });
  const first = predict(test[0]!);
  const lo = first.start.getTime() - anchor(test[0]!);
  const hi = first.end.getTime() - anchor(test[0]!);
  let offsetsStable = true;
  const stride = Math.max(1, Math.floor(test.length / CHECKED_ORDERS));
  for (let i = stride; i < test.length; i += stride) {
    const w = predict(test[i]!);
    if (
      w.start.getTime() - anchor(test[i]!) !== lo ||
      w.end.getTime() - anchor(test[i]!) !== hi ||
      w.source !== first.source
    )
      offsetsStable = false;
  }
  const spans = test.map((o) => o.deliveredAt.getTime() - anchor(o));
  const inside = spans.filter((s) => s >= lo && s <= hi).length;
  const [p02, p98] = exactQuantiles(spans, [0.02, 0.98]);
  return { coverage: inside / test.length, widthRatio: (hi - lo) / (p98! - p02!), source: first.source, offsetsStable };
}

/** Mean of a field over lane results. */
export function meanOf(results: readonly LaneResult[], field: "coverage" | "widthRatio"): number {
  return results.reduce((s, r) => s + r[field], 0) / results.length;
}
