// Feeds the pure bottleneck detector (intelligence/rules/bottlenecks.ts) from the database with bounded reads:
// the shop's shipments in transit now (only the four columns the rule needs, at most
// MAX_IN_TRANSIT rows through [shopId, stage, lastEventAt]) and the dwell_hours LaneStat rows of the
// trailing baseline window ([shopId, metric, day]: lanes × 31 rows at most).
import type { Db } from "../db.server";
import {
  BASELINE_DAYS,
  type BottleneckFlag,
  type DwellBaselineRow,
  type InTransitShipment,
  type LaneDwell,
  detectBottlenecks,
  laneDwells,
} from "./rules/bottlenecks";
import { fromJSON } from "./rules/histogram";
import { DAY_MS, dayKey } from "../lib/time";

export type { BottleneckFlag, LaneDwell };

/** In-transit shipments read per evaluation; beyond it the most recently scanned are dropped. */
export const MAX_IN_TRANSIT = 50_000;

export interface Bottlenecks {
  flags: BottleneckFlag[];
  lanes: LaneDwell[];
  inTransit: number;
  /** True when the shop has more shipments in transit than were read. */
  truncated: boolean;
  evaluatedAt: string;
}

/** The lane key the roll-ups use for a shipment: the detected courier code, else the carrier name. */
export function laneCarrier(s: { carrierCode: string | null; carrier: string | null }): string | null {
  return s.carrierCode ?? s.carrier;
}

export async function loadBottlenecks(db: Db, shopId: string, now: Date = new Date()): Promise<Bottlenecks> {
  const since = dayKey(new Date(now.getTime() - (BASELINE_DAYS + 1) * DAY_MS));
  const [rows, baselineRows] = await Promise.all([
    db.shipment.findMany({
      where: { shopId, stage: 3, kind: "outbound", deliveredAt: null, cancelledAt: null },
      // Oldest scans first: those are the ones that make a lane stall.
      orderBy: { lastEventAt: "asc" },
      take: MAX_IN_TRANSIT + 1,
      select: {
        carrier: true,
        carrierCode: true,
        destRegion: true,
        destCountry: true,
        lastEventAt: true,
        inTransitAt: true,
      },
    }),
    db.laneStat.findMany({
      where: { shopId, metric: "dwell_hours", day: { gte: since } },
      select: { carrier: true, region: true, day: true, histogram: true },
      take: 20_000,
    }),
  ]);
  const truncated = rows.length > MAX_IN_TRANSIT;
  const inTransit: InTransitShipment[] = rows.slice(0, MAX_IN_TRANSIT).map((s) => ({
    carrier: laneCarrier(s),
    region: s.destRegion ?? s.destCountry,
    lastEventAt: s.lastEventAt,
    inTransitAt: s.inTransitAt,
  }));
  const baseline: DwellBaselineRow[] = [];
  for (const r of baselineRows) {
    try {
      baseline.push({ carrier: r.carrier, region: r.region, day: r.day, histogram: fromJSON(r.histogram) });
    } catch {
      // A histogram of another scheme version is skipped, never mixed in.
    }
  }
  return {
    flags: detectBottlenecks(inTransit, baseline, now),
    lanes: laneDwells(inTransit, baseline, now),
    inTransit: inTransit.length,
    truncated,
    evaluatedAt: now.toISOString(),
  };
}
