// The admin overview: shipments per stage and the health of the ingestion pipeline for one shop.
import type { Db } from "../db.server";
import type { Stage } from "../tracking/types";

export interface Overview {
  byStage: Record<Stage, number>;
  exceptions: number;
  failedReceipts: number;
  deadJobs: number;
  queued: number;
}

export async function shopOverview(db: Db, shopDomain: string): Promise<Overview> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  const byStage: Record<Stage, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let exceptions = 0;
  if (shop) {
    const [orders, shipments, flagged] = await Promise.all([
      db.order.count({ where: { shopId: shop.id, stage: 1, cancelledAt: null } }),
      db.shipment.groupBy({ by: ["stage"], where: { shopId: shop.id, cancelledAt: null }, _count: { _all: true } }),
      db.shipment.count({ where: { shopId: shop.id, OR: [{ delayed: true }, { needsAttention: true }], deliveredAt: null } }),
    ]);
    byStage[1] = orders;
    for (const row of shipments) if (row.stage >= 2 && row.stage <= 5) byStage[row.stage as Stage] += row._count._all;
    exceptions = flagged;
  }
  const [failedReceipts, deadJobs, queued] = await Promise.all([
    db.webhookReceipt.count({ where: { shopDomain, status: "failed" } }),
    db.job.count({ where: { shopDomain, status: "dead" } }),
    db.job.count({ where: { shopDomain, status: { in: ["queued", "running"] } } }),
  ]);
  return { byStage, exceptions, failedReceipts, deadJobs, queued };
}
