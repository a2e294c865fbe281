// Held-out coverage of predicted delivery windows over many synthetic lanes: the large version of the
// few-lane check in tests/intelligence/rules/delivery-window.test.ts (same evaluation, ./held-out).
// CPU only, no database or server: a few seconds on a quiet machine.
import {
  MIN_PROCESSING_SAMPLES,
  MIN_TRANSIT_SAMPLES,
  WINDOW_HIGH_QUANTILE,
  WINDOW_LOW_QUANTILE,
} from "../app/intelligence/rules/delivery-window";
import { type HeldOutOptions, type LaneResult, heldOutLane, meanOf } from "../tests/intelligence/rules/held-out";
import { log, row, type Row, verdict } from "./lib";

export interface WindowsProfile {
  /** Lanes per scenario (seeds first…first + lanes − 1). */
  lanes: number;
  /** Held-out orders per lane. */
  heldOut: number;
}

function lanes(first: number, n: number, opts: HeldOutOptions): LaneResult[] {
  return Array.from({ length: n }, (_, i) => heldOutLane(first + i, opts));
}

const pct = (x: number) => x * 100;

export function benchDeliveryWindow(profile: WindowsProfile): Row[] {
  const started = Date.now();
  const { lanes: n, heldOut } = profile;
  // Seeds start where the test suite's do, so the suite's lanes are the first few of these.
  const well = lanes(100, n, { processingSamples: 400, transitSamples: 400, heldOut });
  const thin = lanes(500, n * 2, {
    processingSamples: MIN_PROCESSING_SAMPLES,
    transitSamples: MIN_TRANSIT_SAMPLES,
    heldOut,
  });
  const fulfilled = lanes(900, n, { processingSamples: 400, transitSamples: 400, heldOut, afterFulfillment: true });
  const consistent = [...well, ...thin, ...fulfilled].every(
    (r) => r.offsetsStable && r.source === "carrier_service_region",
  );
  const minOf = (rs: LaneResult[]) => Math.min(...rs.map((r) => r.coverage));
  log(
    `windows: ${well.length + thin.length + fulfilled.length} lanes × ${heldOut} held-out orders in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const note = `${n} lanes × ${heldOut} held-out orders (2 × ${n} at the minimum sample sizes); window = the [${pct(WINDOW_LOW_QUANTILE)} %, ${pct(WINDOW_HIGH_QUANTILE)} %] quantiles, nominal ${pct(WINDOW_HIGH_QUANTILE - WINDOW_LOW_QUANTILE).toFixed(0)} %`;
  return [
    row({
      id: "windows.coverage.min",
      metric: "Delivery window: worst lane's held-out coverage (400 + 400 training samples)",
      value: pct(minOf(well)),
      unit: "%",
      ratio: null,
      baseline: pct(meanOf(well, "coverage")),
      baselineLabel: "mean",
      target: "≥ 80 %",
      verdict: verdict(consistent && minOf(well) >= 0.8),
      note: consistent
        ? note
        : `${note}; some windows depended on the order's time, so coverage from shared offsets is not valid`,
    }),
    row({
      id: "windows.coverage.thin",
      metric: `Delivery window: mean held-out coverage at the minimum samples (${MIN_PROCESSING_SAMPLES} + ${MIN_TRANSIT_SAMPLES})`,
      value: pct(meanOf(thin, "coverage")),
      unit: "%",
      ratio: null,
      baseline: pct(minOf(thin)),
      baselineLabel: "worst lane",
      target: "≥ 80 % mean",
      verdict: verdict(consistent && meanOf(thin, "coverage") >= 0.8),
    }),
    row({
      id: "windows.coverage.fulfilled",
      metric: "Delivery window after fulfillment (transit alone): worst lane's held-out coverage",
      value: pct(minOf(fulfilled)),
      unit: "%",
      ratio: null,
      baseline: pct(meanOf(fulfilled, "coverage")),
      baselineLabel: "mean",
      target: "≥ 80 %",
      verdict: verdict(consistent && minOf(fulfilled) >= 0.8),
    }),
    row({
      id: "windows.width",
      metric: "Delivery window width over the held-out 2–98 % range (widest lane, 400 + 400 samples)",
      value: Math.max(...well.map((r) => r.widthRatio)),
      unit: "",
      ratio: null,
      baseline: meanOf(thin, "widthRatio"),
      baselineLabel: "mean at minimum samples",
      target: "< 0.8",
      verdict: verdict(Math.max(...well.map((r) => r.widthRatio)) < 0.8 && meanOf(thin, "widthRatio") < 0.8),
    }),
  ];
}
