-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "inDoubtResendMinutes" INTEGER DEFAULT 30;

-- CreateIndex
CREATE INDEX "Notification_shopId_errorKind_createdAt_idx" ON "Notification"("shopId", "errorKind", "createdAt");
