-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "sendgridWebhookKeyEnc" TEXT;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "deliveryError" TEXT,
ADD COLUMN     "deliveryStatus" TEXT,
ADD COLUMN     "deliveryUpdatedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Notification_providerMessageId_idx" ON "Notification"("providerMessageId");
