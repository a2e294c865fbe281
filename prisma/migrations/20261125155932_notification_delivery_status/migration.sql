-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "sendgridWebhookKeyEnc" TEXT;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN "deliveryError" TEXT;
ALTER TABLE "Notification" ADD COLUMN "deliveryStatus" TEXT;
ALTER TABLE "Notification" ADD COLUMN "deliveryUpdatedAt" DATETIME;

-- CreateIndex
CREATE INDEX "Notification_providerMessageId_idx" ON "Notification"("providerMessageId");
