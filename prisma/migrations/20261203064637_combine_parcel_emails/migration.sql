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
    "combineParcelEmailsMinutes" INTEGER NOT NULL DEFAULT 15,
    "recommendationSource" TEXT NOT NULL DEFAULT 'related',
    "recommendationCollection" TEXT,
    "costPerTicketCents" INTEGER NOT NULL DEFAULT 600,
    "noScanAlertDays" INTEGER NOT NULL DEFAULT 4,
    "receiptRetentionDays" INTEGER NOT NULL DEFAULT 14,
    "jobRetentionDays" INTEGER NOT NULL DEFAULT 7,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("brandAccentColor", "brandFont", "brandLogoUrl", "brandPrimaryColor", "contactEmail", "costPerTicketCents", "createdAt", "currency", "domain", "hybridAutoSendHours", "id", "inDoubtResendMinutes", "installedAt", "jobRetentionDays", "locale", "milestoneChannels", "name", "noScanAlertDays", "notificationMode", "primaryDomain", "quietHoursEnd", "quietHoursStart", "receiptRetentionDays", "recommendationCollection", "recommendationSource", "replyToEmail", "senderEmail", "senderName", "sendgridApiKeyEnc", "sendgridWebhookKeyEnc", "smsTransactionalOk", "status", "timezone", "trackingHeading", "twilioAccountSidEnc", "twilioAuthTokenEnc", "twilioFromNumber", "uninstalledAt", "updatedAt") SELECT "brandAccentColor", "brandFont", "brandLogoUrl", "brandPrimaryColor", "contactEmail", "costPerTicketCents", "createdAt", "currency", "domain", "hybridAutoSendHours", "id", "inDoubtResendMinutes", "installedAt", "jobRetentionDays", "locale", "milestoneChannels", "name", "noScanAlertDays", "notificationMode", "primaryDomain", "quietHoursEnd", "quietHoursStart", "receiptRetentionDays", "recommendationCollection", "recommendationSource", "replyToEmail", "senderEmail", "senderName", "sendgridApiKeyEnc", "sendgridWebhookKeyEnc", "smsTransactionalOk", "status", "timezone", "trackingHeading", "twilioAccountSidEnc", "twilioAuthTokenEnc", "twilioFromNumber", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
