// Fills the bottleneck baseline's past days from the shop's own history (rules/dwell-history.ts):
// after an import of past orders or the demo's seed, lanes can be judged at once instead of after
// BASELINE_DAYS. Days that already have a snapshot (recorded live by scanInTransit) are left alone,
// and today is never written (the live scan records it).
import type { Db } from "../db.server";
import { DAY_MS, dayKey } from "../lib/time";
import { addLaneSamples, METRICS } from "./lanes.server";
import { BASELINE_DAYS } from "./rules/bottlenecks";
import { carrierKey } from "./rules/delivery-window";
import { dwellSnapshotAt, type ShipmentHistory } from "./rules/dwell-history";

/** Parcels are looked at when they entered transit at most this long before the oldest day. */
const LONGEST_TRANSIT_MS = 30 * DAY_MS;
const PAGE = 500;

export async function rebuildDwellBaseline(
  db: Db,
  shopId: string,
  now: Date,
  days = BASELINE_DAYS,
): Promise<{ days: number; samples: number }> {
  // Returns the days it wrote (days before the shop's history have no parcels and stay empty).
  const moments: Date[] = [];
  for (let k = 1; k <= days; k++) moments.push(new Date(now.getTime() - k * DAY_MS));
  const recorded = new Set(
    (
      await db.laneStat.findMany({
        where: { shopId, metric: METRICS.dwell, day: { in: moments.map(dayKey) } },
        select: { day: true },
        distinct: ["day"],
      })
    ).map((r) => r.day),
  );
  const todo = moments.filter((m) => !recorded.has(dayKey(m)));
  if (todo.length === 0) return { days: 0, samples: 0 };

  const oldest = todo.at(-1)!;
  const history: ShipmentHistory[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await db.shipment.findMany({
      where: {
        shopId,
        kind: "outbound",
        inTransitAt: { gte: new Date(oldest.getTime() - LONGEST_TRANSIT_MS), lt: now },
      },
      select: {
        id: true,
        carrier: true,
        carrierCode: true,
        destRegion: true,
        destCountry: true,
        inTransitAt: true,
        deliveredAt: true,
        failedAt: true,
        cancelledAt: true,
        events: { where: { source: "fulfillment_event" }, select: { happenedAt: true } },
      },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    if (page.length === 0) break;
    cursor = page.at(-1)!.id;
    for (const s of page) {
      const ends = [s.deliveredAt, s.failedAt, s.cancelledAt].filter((d): d is Date => !!d);
      history.push({
        carrier: carrierKey(s.carrierCode ?? s.carrier),
        region: s.destRegion ?? s.destCountry ?? "",
        inTransitAt: s.inTransitAt!,
        endedAt: ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null,
        scans: s.events.map((e) => e.happenedAt),
      });
    }
  }

  let samples = 0;
  let written = 0;
  for (const at of todo) {
    const lanes = dwellSnapshotAt(history, at);
    if (lanes.size) written++;
    for (const [lane, hours] of lanes) {
      const [carrier, region] = lane.split("|") as [string, string];
      await addLaneSamples(db, { shopId, metric: METRICS.dwell, carrier, region, day: dayKey(at) }, hours);
      samples += hours.length;
    }
  }
  return { days: written, samples };
}
