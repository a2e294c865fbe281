-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "flowTriggersEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "klaviyoMilestones" JSONB,
ADD COLUMN     "klaviyoPrivateKeyEnc" TEXT;

-- CreateTable
CREATE TABLE "IntegrationDelivery" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT,
    "shipmentId" TEXT,
    "destination" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "error" TEXT,
    "errorKind" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IntegrationDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IntegrationDelivery_idempotencyKey_key" ON "IntegrationDelivery"("idempotencyKey");

-- CreateIndex
CREATE INDEX "IntegrationDelivery_shopId_destination_createdAt_idx" ON "IntegrationDelivery"("shopId", "destination", "createdAt");

-- CreateIndex
CREATE INDEX "IntegrationDelivery_status_nextAttemptAt_idx" ON "IntegrationDelivery"("status", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "IntegrationDelivery" ADD CONSTRAINT "IntegrationDelivery_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
