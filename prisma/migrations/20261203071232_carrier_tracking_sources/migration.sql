-- CreateTable
CREATE TABLE "TrackingSource" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "apiKeyEnc" TEXT NOT NULL,
    "webhookSecretEnc" TEXT,
    "pushToken" TEXT NOT NULL,
    "writeBack" BOOLEAN NOT NULL DEFAULT true,
    "monthlyBudget" INTEGER NOT NULL DEFAULT 500,
    "registerAfterHours" INTEGER NOT NULL DEFAULT 12,
    "pollMinutes" INTEGER,
    "baseUrl" TEXT,
    "budgetNotedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "TrackingSource_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SourceRegistration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "shipmentId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "trackingNumber" TEXT NOT NULL,
    "externalId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "reason" TEXT,
    "month" TEXT NOT NULL,
    "registeredAt" DATETIME NOT NULL,
    "stoppedAt" DATETIME,
    "lastPolledAt" DATETIME,
    "lastError" TEXT,
    CONSTRAINT "SourceRegistration_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SourceRegistration_shipmentId_fkey" FOREIGN KEY ("shipmentId") REFERENCES "Shipment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SourceWriteBack" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "shipmentId" TEXT NOT NULL,
    "factKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "happenedAt" DATETIME NOT NULL,
    "shopifyEventId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SourceWriteBack_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SourceWriteBack_shipmentId_fkey" FOREIGN KEY ("shipmentId") REFERENCES "Shipment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "TrackingSource_shopId_key" ON "TrackingSource"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "TrackingSource_pushToken_key" ON "TrackingSource"("pushToken");

-- CreateIndex
CREATE INDEX "SourceRegistration_shopId_month_idx" ON "SourceRegistration"("shopId", "month");

-- CreateIndex
CREATE INDEX "SourceRegistration_provider_trackingNumber_idx" ON "SourceRegistration"("provider", "trackingNumber");

-- CreateIndex
CREATE INDEX "SourceRegistration_status_lastPolledAt_idx" ON "SourceRegistration"("status", "lastPolledAt");

-- CreateIndex
CREATE UNIQUE INDEX "SourceRegistration_shipmentId_provider_key" ON "SourceRegistration"("shipmentId", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "SourceWriteBack_factKey_key" ON "SourceWriteBack"("factKey");

-- CreateIndex
CREATE INDEX "SourceWriteBack_shipmentId_status_happenedAt_idx" ON "SourceWriteBack"("shipmentId", "status", "happenedAt");
