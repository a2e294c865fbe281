// Bottlenecks: carrier × destination-region lanes that are markedly slower now than usual.
//
// Current dwell of a shipment in transit = hours since its last carrier scan (or since it entered
// transit, when no scan time is known). For each lane (carrier × region) with at least
// MIN_CURRENT_SHIPMENTS in transit, the median current dwell is compared with the lane's baseline: the
// dwell_hours histograms of the trailing BASELINE_DAYS complete days (today excluded, so an ongoing
// stall does not dilute its own baseline), merged, with at least MIN_BASELINE_SAMPLES samples.
// The baseline must measure the same thing: a daily snapshot of currentDwellHours() over the
// shipments in transit that day (the service records it; see docs/decisions/004-delivery-window-model.md).
//
// A lane is stalling when
//     median current dwell > STALL_FACTOR × baseline p75   and
//     median current dwell − baseline median ≥ MIN_EXCESS_HOURS.
// Each flag names the carrier currently fastest in that region: the lowest median current dwell among
// the region's other lanes with enough shipments in transit that are not stalling themselves.

import { CARRIER_NAMES } from "../../pipeline/rules/carriers";
import { carrierKey } from "./delivery-window";
import { type Histogram, HISTOGRAM_MIN_HOURS, count, mergeTrailing, quantile } from "./histogram";
import { daysText, HOUR_MS } from "../../lib/time";

// --- Parameters ------------------------------------------------------------------------------------

/** Trailing complete days merged into a lane's baseline. */
export const BASELINE_DAYS = 30;
/** Baseline quantile the current median is compared against. */
export const BASELINE_QUANTILE = 0.75;
/**
 * How far above the baseline quantile the current median must be. Tuned on synthetic lanes (median
 * 4–40 h, log-sd 0.3–0.9, 10–60 shipments): 1.3 starts flagging 10–30 % slowdowns, 1.6 misses ~8 %
 * of 2.5–5× stalls; 1.4 gives precision 1.00 and recall ≈ 0.97 (tests/intelligence/rules/bottlenecks.test.ts).
 */
export const STALL_FACTOR = 1.4;
/** And at least this many hours above the usual (baseline median), so tiny lanes of short dwell do not flag. */
export const MIN_EXCESS_HOURS = 8;
/** Shipments a lane needs in transit now, both to be flagged and to be named fastest. */
export const MIN_CURRENT_SHIPMENTS = 10;
/** Samples the lane's merged baseline needs. */
export const MIN_BASELINE_SAMPLES = 50;

// --- Types -----------------------------------------------------------------------------------------

/** A shipment currently in transit (outbound, not delivered, not cancelled). */
export interface InTransitShipment {
  carrier: string | null;
  /** Destination "US-OH" (or a bare country). */
  region: string | null;
  /** Newest carrier scan. */
  lastEventAt: Date | null;
  /** First carrier scan; the dwell falls back to it. */
  inTransitAt?: Date | null;
}

/** One daily LaneStat row of metric dwell_hours. */
export interface DwellBaselineRow {
  carrier: string;
  region: string;
  day: string;
  histogram: Histogram;
}

export interface LaneDwell {
  carrier: string;
  carrierName: string;
  region: string;
  regionName: string;
  shipments: number;
  currentMedianHours: number;
  baselineSamples: number;
  baselineMedianHours: number | null;
  baselineP75Hours: number | null;
  stalling: boolean;
}

export interface BottleneckFlag extends LaneDwell {
  baselineMedianHours: number;
  baselineP75Hours: number;
  /** Current median ÷ baseline median: how many times slower than usual. */
  slowdown: number;
  fastest: { carrier: string; carrierName: string; currentMedianHours: number; shipments: number } | null;
  /** "UPS is stalling in Ohio: 34 parcels on the way there have had no scan for 2.2 days (usually 0.8 days). FedEx is fastest there now: ..." */
  sentence: string;
}

// --- Names -----------------------------------------------------------------------------------------

const SUBDIVISIONS: Record<string, string> = {
  "US-AL": "Alabama",
  "US-AK": "Alaska",
  "US-AZ": "Arizona",
  "US-AR": "Arkansas",
  "US-CA": "California",
  "US-CO": "Colorado",
  "US-CT": "Connecticut",
  "US-DE": "Delaware",
  "US-DC": "Washington, D.C.",
  "US-FL": "Florida",
  "US-GA": "Georgia",
  "US-HI": "Hawaii",
  "US-ID": "Idaho",
  "US-IL": "Illinois",
  "US-IN": "Indiana",
  "US-IA": "Iowa",
  "US-KS": "Kansas",
  "US-KY": "Kentucky",
  "US-LA": "Louisiana",
  "US-ME": "Maine",
  "US-MD": "Maryland",
  "US-MA": "Massachusetts",
  "US-MI": "Michigan",
  "US-MN": "Minnesota",
  "US-MS": "Mississippi",
  "US-MO": "Missouri",
  "US-MT": "Montana",
  "US-NE": "Nebraska",
  "US-NV": "Nevada",
  "US-NH": "New Hampshire",
  "US-NJ": "New Jersey",
  "US-NM": "New Mexico",
  "US-NY": "New York",
  "US-NC": "North Carolina",
  "US-ND": "North Dakota",
  "US-OH": "Ohio",
  "US-OK": "Oklahoma",
  "US-OR": "Oregon",
  "US-PA": "Pennsylvania",
  "US-RI": "Rhode Island",
  "US-SC": "South Carolina",
  "US-SD": "South Dakota",
  "US-TN": "Tennessee",
  "US-TX": "Texas",
  "US-UT": "Utah",
  "US-VT": "Vermont",
  "US-VA": "Virginia",
  "US-WA": "Washington",
  "US-WV": "West Virginia",
  "US-WI": "Wisconsin",
  "US-WY": "Wyoming",
  "US-PR": "Puerto Rico",
  "CA-AB": "Alberta",
  "CA-BC": "British Columbia",
  "CA-MB": "Manitoba",
  "CA-NB": "New Brunswick",
  "CA-NL": "Newfoundland and Labrador",
  "CA-NS": "Nova Scotia",
  "CA-NT": "Northwest Territories",
  "CA-NU": "Nunavut",
  "CA-ON": "Ontario",
  "CA-PE": "Prince Edward Island",
  "CA-QC": "Quebec",
  "CA-SK": "Saskatchewan",
  "CA-YT": "Yukon",
};

/** A carrier's display name: "UPS" for "ups" or "United Parcel Service", otherwise as given. */
export function carrierName(carrier: string): string {
  return CARRIER_NAMES[carrierKey(carrier)] ?? carrier.trim();
}

/** A region's display name: "Ohio" for "US-OH", "United States" for "US", else the code. */
export function regionName(region: string): string {
  const code = region.trim().toUpperCase();
  const sub = SUBDIVISIONS[code];
  if (sub) return sub;
  if (/^[A-Z]{2}$/.test(code)) {
    try {
      return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
    } catch {
      return code;
    }
  }
  return code;
}

// --- Rules -----------------------------------------------------------------------------------------

/**
 * Hours a shipment in transit has been waiting: since its newest scan, else since it entered transit.
 * Null when neither is known. Use this both for the current set and for the daily baseline snapshot.
 */
export function currentDwellHours(s: Pick<InTransitShipment, "lastEventAt" | "inTransitAt">, now: Date): number | null {
  const at = s.lastEventAt ?? s.inTransitAt ?? null;
  if (!at) return null;
  return Math.max(0, (now.getTime() - at.getTime()) / HOUR_MS);
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function laneKey(carrier: string, region: string): string {
  return `${carrier}|${region}`;
}

/** Whether a lane's current median dwell is a stall against its baseline (see the header). */
export function isStall(currentMedianHours: number, baseline: Histogram | null): boolean {
  if (!baseline || count(baseline) < MIN_BASELINE_SAMPLES) return false;
  const p = quantile(baseline, BASELINE_QUANTILE);
  const m = quantile(baseline, 0.5);
  if (p === null || m === null) return false;
  return currentMedianHours > STALL_FACTOR * p && currentMedianHours - m >= MIN_EXCESS_HOURS;
}

/** Every lane with enough shipments in transit now, with its baseline and verdict. */
export function laneDwells(
  inTransit: readonly InTransitShipment[],
  baselineRows: readonly DwellBaselineRow[],
  now: Date,
): LaneDwell[] {
  const current = new Map<string, { carrier: string; name: string; region: string; dwell: number[] }>();
  for (const s of inTransit) {
    const carrier = carrierKey(s.carrier);
    const region = (s.region ?? "").trim().toUpperCase();
    const dwell = currentDwellHours(s, now);
    if (!carrier || !region || dwell === null) continue;
    const key = laneKey(carrier, region);
    const lane = current.get(key);
    if (lane) lane.dwell.push(dwell);
    else current.set(key, { carrier, name: carrierName(s.carrier ?? carrier), region, dwell: [dwell] });
  }
  const rowsByLane = new Map<string, DwellBaselineRow[]>();
  for (const r of baselineRows) {
    const key = laneKey(carrierKey(r.carrier), r.region.trim().toUpperCase());
    if (!current.has(key)) continue;
    const list = rowsByLane.get(key);
    if (list) list.push(r);
    else rowsByLane.set(key, [r]);
  }
  const out: LaneDwell[] = [];
  for (const [key, lane] of current) {
    if (lane.dwell.length < MIN_CURRENT_SHIPMENTS) continue;
    const baseline = mergeTrailing(rowsByLane.get(key) ?? [], now, BASELINE_DAYS, false);
    const currentMedianHours = median(lane.dwell);
    out.push({
      carrier: lane.carrier,
      carrierName: lane.name,
      region: lane.region,
      regionName: regionName(lane.region),
      shipments: lane.dwell.length,
      currentMedianHours,
      baselineSamples: Math.round(count(baseline)),
      baselineMedianHours: quantile(baseline, 0.5),
      baselineP75Hours: quantile(baseline, BASELINE_QUANTILE),
      stalling: isStall(currentMedianHours, baseline),
    });
  }
  return out.sort((a, b) => a.region.localeCompare(b.region) || a.currentMedianHours - b.currentMedianHours);
}

function sentence(f: Omit<BottleneckFlag, "sentence">): string {
  const parcels = f.shipments === 1 ? "1 parcel" : `${f.shipments} parcels`;
  let s = `${f.carrierName} is stalling in ${f.regionName}: ${parcels} on the way there have had no scan for ${daysText(f.currentMedianHours)} (usually ${daysText(f.baselineMedianHours)}).`;
  s += f.fastest
    ? ` ${f.fastest.carrierName} is fastest there now: consider it for new orders to ${f.regionName}, and tell waiting customers before they ask.`
    : ` Tell waiting customers before they ask, and check with ${f.carrierName} if it lasts.`;
  return s;
}

/** Stalling lanes, worst first (slowdown × shipments), each with the fastest alternative and a sentence. */
export function detectBottlenecks(
  inTransit: readonly InTransitShipment[],
  baselineRows: readonly DwellBaselineRow[],
  now: Date,
): BottleneckFlag[] {
  const lanes = laneDwells(inTransit, baselineRows, now);
  const flags: BottleneckFlag[] = [];
  for (const lane of lanes) {
    if (!lane.stalling || lane.baselineMedianHours === null || lane.baselineP75Hours === null) continue;
    let fastest: BottleneckFlag["fastest"] = null;
    for (const other of lanes) {
      if (other.region !== lane.region || other.carrier === lane.carrier || other.stalling) continue;
      if (!fastest || other.currentMedianHours < fastest.currentMedianHours) {
        fastest = {
          carrier: other.carrier,
          carrierName: other.carrierName,
          currentMedianHours: other.currentMedianHours,
          shipments: other.shipments,
        };
      }
    }
    const flag = {
      ...lane,
      baselineMedianHours: lane.baselineMedianHours,
      baselineP75Hours: lane.baselineP75Hours,
      slowdown: lane.currentMedianHours / Math.max(lane.baselineMedianHours, HISTOGRAM_MIN_HOURS),
      fastest,
    };
    flags.push({ ...flag, sentence: sentence(flag) });
  }
  return flags.sort((a, b) => b.slowdown * b.shipments - a.slowdown * a.shipments || a.region.localeCompare(b.region));
}
