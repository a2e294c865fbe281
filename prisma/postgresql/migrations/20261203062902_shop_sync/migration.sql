-- CreateTable
CREATE TABLE "ShopSync" (
    "shopId" TEXT NOT NULL,
    "historyBefore" TIMESTAMP(3),
    "backfillDays" INTEGER NOT NULL DEFAULT 60,
    "backfillStatus" TEXT NOT NULL DEFAULT 'idle',
    "backfillMode" TEXT NOT NULL DEFAULT 'paged',
    "backfillSince" TIMESTAMP(3),
    "backfillCursor" TEXT,
    "backfillPage" INTEGER NOT NULL DEFAULT 0,
    "backfillTotal" INTEGER,
    "backfillDone" INTEGER NOT NULL DEFAULT 0,
    "backfillStartedAt" TIMESTAMP(3),
    "backfillFinishedAt" TIMESTAMP(3),
    "bulkOperationId" TEXT,
    "reconcileWatermark" TIMESTAMP(3),
    "reconcileLastRunAt" TIMESTAMP(3),
    "reconcileNextRunAt" TIMESTAMP(3),
    "reconcileLastRecovered" INTEGER NOT NULL DEFAULT 0,
    "reconcileRecovered" INTEGER NOT NULL DEFAULT 0,
    "authError" TEXT,
    "authErrorAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSync_pkey" PRIMARY KEY ("shopId")
);

-- AddForeignKey
ALTER TABLE "ShopSync" ADD CONSTRAINT "ShopSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
