// The bottleneck baseline from history: what the daily dwell snapshot (scanInTransit) would have
// recorded on each past day, had Waypoint been watching then. A shop that has just installed (its
// orders imported, or the demo's seeded history) otherwise waits BASELINE_DAYS of real time before a
// lane can be judged. Same measure as the live snapshot (currentDwellHours): hours since the parcel's
// newest carrier scan at that moment, over the parcels in transit at that moment.
import { HOUR_MS } from "../../lib/time";

export interface ShipmentHistory {
  carrier: string;
  region: string;
  /** First carrier scan (entered transit). */
  inTransitAt: Date;
  /** Delivered, failed or cancelled: no longer in transit from then (null: still going). */
  endedAt: Date | null;
  /** Carrier scan times, any order. */
  scans: Date[];
}

/** Dwell hours per lane ("carrier|region") of the parcels in transit at `at`. */
export function dwellSnapshotAt(shipments: readonly ShipmentHistory[], at: Date): Map<string, number[]> {
  const t = at.getTime();
  const lanes = new Map<string, number[]>();
  for (const s of shipments) {
    if (s.inTransitAt.getTime() > t || (s.endedAt && s.endedAt.getTime() <= t)) continue;
    let last = s.inTransitAt.getTime();
    for (const scan of s.scans) {
      const x = scan.getTime();
      if (x <= t && x > last) last = x;
    }
    const key = `${s.carrier}|${s.region}`;
    const list = lanes.get(key) ?? [];
    list.push((t - last) / HOUR_MS);
    lanes.set(key, list);
  }
  return lanes;
}
