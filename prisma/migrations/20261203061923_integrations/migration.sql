-- CreateTable
CREATE TABLE "IntegrationDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "nextAttemptAt" DATETIME,
    "sentAt" DATETIME,
    "error" TEXT,
    "errorKind" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "IntegrationDelivery_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "domain" TEXT NOT NULL,
    "name" TEXT,
    "contactEmail" TEXT,
    "primaryDomain" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "locale" TEXT NOT NULL DEFAULT 'en',
    "status" TEXT NOT NULL DEFAULT 'active',
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "brandLogoUrl" TEXT,
    "brandPrimaryColor" TEXT NOT NULL DEFAULT '#1f5199',
    "brandAccentColor" TEXT NOT NULL DEFAULT '#2e7d32',
    "brandFont" TEXT NOT NULL DEFAULT 'Helvetica, Arial, sans-serif',
    "trackingHeading" TEXT,
    "notificationMode" TEXT NOT NULL DEFAULT 'automated',
    "hybridAutoSendHours" INTEGER,
    "milestoneChannels" JSONB,
    "smsTransactionalOk" BOOLEAN NOT NULL DEFAULT false,
    "quietHoursStart" INTEGER NOT NULL DEFAULT 21,
    "quietHoursEnd" INTEGER NOT NULL DEFAULT 8,
    "inDoubtResendMinutes" INTEGER DEFAULT 30,
    "senderName" TEXT,
    "senderEmail" TEXT,
    "replyToEmail" TEXT,
    "sendgridApiKeyEnc" TEXT,
    "twilioAccountSidEnc" TEXT,
    "twilioAuthTokenEnc" TEXT,
    "twilioFromNumber" TEXT,
    "sendgridWebhookKeyEnc" TEXT,
    "recommendationSource" TEXT NOT NULL DEFAULT 'related',
    "recommendationCollection" TEXT,
    "costPerTicketCents" INTEGER NOT NULL DEFAULT 600,
    "noScanAlertDays" INTEGER NOT NULL DEFAULT 4,
    "receiptRetentionDays" INTEGER NOT NULL DEFAULT 14,
    "jobRetentionDays" INTEGER NOT NULL DEFAULT 7,
    "flowTriggersEnabled" BOOLEAN NOT NULL DEFAULT false,
    "klaviyoPrivateKeyEnc" TEXT,
    "klaviyoMilestones" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("brandAccentColor", "brandFont", "brandLogoUrl", "brandPrimaryColor", "contactEmail", "costPerTicketCents", "createdAt", "currency", "domain", "hybridAutoSendHours", "id", "inDoubtResendMinutes", "installedAt", "jobRetentionDays", "locale", "milestoneChannels", "name", "noScanAlertDays", "notificationMode", "primaryDomain", "quietHoursEnd", "quietHoursStart", "receiptRetentionDays", "recommendationCollection", "recommendationSource", "replyToEmail", "senderEmail", "senderName", "sendgridApiKeyEnc", "sendgridWebhookKeyEnc", "smsTransactionalOk", "status", "timezone", "trackingHeading", "twilioAccountSidEnc", "twilioAuthTokenEnc", "twilioFromNumber", "uninstalledAt", "updatedAt") SELECT "brandAccentColor", "brandFont", "brandLogoUrl", "brandPrimaryColor", "contactEmail", "costPerTicketCents", "createdAt", "currency", "domain", "hybridAutoSendHours", "id", "inDoubtResendMinutes", "installedAt", "jobRetentionDays", "locale", "milestoneChannels", "name", "noScanAlertDays", "notificationMode", "primaryDomain", "quietHoursEnd", "quietHoursStart", "receiptRetentionDays", "recommendationCollection", "recommendationSource", "replyToEmail", "senderEmail", "senderName", "sendgridApiKeyEnc", "sendgridWebhookKeyEnc", "smsTransactionalOk", "status", "timezone", "trackingHeading", "twilioAccountSidEnc", "twilioAuthTokenEnc", "twilioFromNumber", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "IntegrationDelivery_idempotencyKey_key" ON "IntegrationDelivery"("idempotencyKey");

-- CreateIndex
CREATE INDEX "IntegrationDelivery_shopId_destination_createdAt_idx" ON "IntegrationDelivery"("shopId", "destination", "createdAt");

-- CreateIndex
CREATE INDEX "IntegrationDelivery_status_nextAttemptAt_idx" ON "IntegrationDelivery"("status", "nextAttemptAt");
