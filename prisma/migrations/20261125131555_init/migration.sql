-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
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
    "senderName" TEXT,
    "senderEmail" TEXT,
    "replyToEmail" TEXT,
    "sendgridApiKeyEnc" TEXT,
    "twilioAccountSidEnc" TEXT,
    "twilioAuthTokenEnc" TEXT,
    "twilioFromNumber" TEXT,
    "recommendationSource" TEXT NOT NULL DEFAULT 'related',
    "recommendationCollection" TEXT,
    "costPerTicketCents" INTEGER NOT NULL DEFAULT 600,
    "noScanAlertDays" INTEGER NOT NULL DEFAULT 4,
    "receiptRetentionDays" INTEGER NOT NULL DEFAULT 14,
    "jobRetentionDays" INTEGER NOT NULL DEFAULT 7,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "orderNumber" INTEGER NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "customerShopifyId" TEXT,
    "customerFirstName" TEXT,
    "customerLocale" TEXT,
    "customerTimezone" TEXT,
    "smsConsent" BOOLEAN NOT NULL DEFAULT false,
    "emailConsent" BOOLEAN NOT NULL DEFAULT true,
    "financialStatus" TEXT,
    "fulfillmentStatus" TEXT,
    "deliveryMethod" TEXT NOT NULL DEFAULT 'shipping',
    "totalCents" INTEGER NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "lineItems" JSONB,
    "shipCity" TEXT,
    "shipRegion" TEXT,
    "shipCountry" TEXT,
    "shipZip" TEXT,
    "processedAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "cancelReason" TEXT,
    "stage" INTEGER NOT NULL DEFAULT 1,
    "subStatus" TEXT NOT NULL DEFAULT 'confirmed',
    "predictedShipBy" DATETIME,
    "predictedStart" DATETIME,
    "predictedEnd" DATETIME,
    "firstFulfilledAt" DATETIME,
    "attributedSource" TEXT,
    "factsAt" DATETIME NOT NULL,
    "redactedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Shipment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT,
    "orderShopifyId" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'outbound',
    "shopifyFulfillmentId" TEXT,
    "reverseDeliveryId" TEXT,
    "returnCaseId" TEXT,
    "name" TEXT,
    "fulfillmentStatus" TEXT,
    "carrier" TEXT,
    "carrierCode" TEXT,
    "service" TEXT,
    "trackingNumbers" JSONB,
    "trackingUrls" JSONB,
    "primaryTracking" TEXT,
    "returnLabelUrl" TEXT,
    "stage" INTEGER NOT NULL DEFAULT 2,
    "subStatus" TEXT NOT NULL DEFAULT 'label_created',
    "lastStatus" TEXT,
    "delayed" BOOLEAN NOT NULL DEFAULT false,
    "delayReason" TEXT,
    "delayAnnouncedEdd" DATETIME,
    "needsAttention" BOOLEAN NOT NULL DEFAULT false,
    "carrierEdd" DATETIME,
    "predictedStart" DATETIME,
    "predictedEnd" DATETIME,
    "destCountry" TEXT,
    "destRegion" TEXT,
    "lastLocation" TEXT,
    "lastEventAt" DATETIME,
    "labelCreatedAt" DATETIME,
    "inTransitAt" DATETIME,
    "outForDeliveryAt" DATETIME,
    "attemptedAt" DATETIME,
    "deliveredAt" DATETIME,
    "failedAt" DATETIME,
    "cancelledAt" DATETIME,
    "factsAt" DATETIME,
    "fulfillmentUpdatedAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Shipment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Shipment_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Shipment_returnCaseId_fkey" FOREIGN KEY ("returnCaseId") REFERENCES "ReturnCase" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrackingNumber" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "shipmentId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    CONSTRAINT "TrackingNumber_shipmentId_fkey" FOREIGN KEY ("shipmentId") REFERENCES "Shipment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrackingEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "shipmentId" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sourceWebhookId" TEXT,
    "status" TEXT NOT NULL,
    "message" TEXT,
    "happenedAt" DATETIME NOT NULL,
    "city" TEXT,
    "province" TEXT,
    "country" TEXT,
    "zip" TEXT,
    "estimatedDeliveryAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TrackingEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TrackingEvent_shipmentId_fkey" FOREIGN KEY ("shipmentId") REFERENCES "Shipment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StageTransition" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "shipmentId" TEXT NOT NULL,
    "fromStage" INTEGER,
    "toStage" INTEGER NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "cause" TEXT NOT NULL,
    "webhookId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StageTransition_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "StageTransition_shipmentId_fkey" FOREIGN KEY ("shipmentId") REFERENCES "Shipment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReturnCase" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT,
    "orderShopifyId" TEXT NOT NULL,
    "shopifyReturnId" TEXT NOT NULL,
    "name" TEXT,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "subStatus" TEXT NOT NULL DEFAULT 'requested',
    "declineReason" TEXT,
    "declineNote" TEXT,
    "lineItems" JSONB,
    "requestedAt" DATETIME,
    "approvedAt" DATETIME,
    "declinedAt" DATETIME,
    "cancelledAt" DATETIME,
    "closedAt" DATETIME,
    "receivedAt" DATETIME,
    "refundedAt" DATETIME,
    "refundCents" INTEGER,
    "factsAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ReturnCase_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReturnCase_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "shipmentId" TEXT,
    "channel" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "recipient" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "subject" TEXT,
    "bodyText" TEXT,
    "bodyHtml" TEXT,
    "personalNote" TEXT,
    "context" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "approvedAt" DATETIME,
    "approvedBy" TEXT,
    "sentAt" DATETIME,
    "provider" TEXT,
    "providerMessageId" TEXT,
    "segments" INTEGER,
    "error" TEXT,
    "errorKind" TEXT,
    "clickCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Notification_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Notification_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Notification_shipmentId_fkey" FOREIGN KEY ("shipmentId") REFERENCES "Shipment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SmsOptOut" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "fromNumber" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SmsOptOut_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "notificationId" TEXT,
    "channel" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "from" TEXT,
    "subject" TEXT,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OutboxMessage_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "webhookId" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "apiVersion" TEXT,
    "eventId" TEXT,
    "triggeredAt" DATETIME,
    "headers" JSONB NOT NULL,
    "rawBody" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "shopDomain" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "runAfter" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "lockedBy" TEXT,
    "leaseExpiresAt" DATETIME,
    "lastError" TEXT,
    "singletonKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "ComplianceRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "customerRef" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "result" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME
);

-- CreateTable
CREATE TABLE "AnalyticsEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "outcome" TEXT,
    "orderId" TEXT,
    "productId" TEXT,
    "visitorId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AnalyticsEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AttributedOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "sourceOrder" TEXT,
    "revenueCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AttributedOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DailyStat" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "dimension" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,
    "sum" REAL NOT NULL DEFAULT 0,
    CONSTRAINT "DailyStat_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LaneStat" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "carrier" TEXT NOT NULL DEFAULT '',
    "service" TEXT NOT NULL DEFAULT '',
    "region" TEXT NOT NULL DEFAULT '',
    "day" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "sum" REAL NOT NULL DEFAULT 0,
    "histogram" JSONB NOT NULL,
    CONSTRAINT "LaneStat_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE INDEX "Order_shopId_orderNumber_idx" ON "Order"("shopId", "orderNumber");

-- CreateIndex
CREATE INDEX "Order_shopId_email_idx" ON "Order"("shopId", "email");

-- CreateIndex
CREATE INDEX "Order_shopId_phone_idx" ON "Order"("shopId", "phone");

-- CreateIndex
CREATE INDEX "Order_shopId_processedAt_idx" ON "Order"("shopId", "processedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_stage_processedAt_idx" ON "Order"("shopId", "stage", "processedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_customerShopifyId_idx" ON "Order"("shopId", "customerShopifyId");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_shopifyId_key" ON "Order"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "Shipment_orderId_idx" ON "Shipment"("orderId");

-- CreateIndex
CREATE INDEX "Shipment_shopId_orderShopifyId_idx" ON "Shipment"("shopId", "orderShopifyId");

-- CreateIndex
CREATE INDEX "Shipment_shopId_stage_updatedAt_idx" ON "Shipment"("shopId", "stage", "updatedAt");

-- CreateIndex
CREATE INDEX "Shipment_shopId_createdAt_idx" ON "Shipment"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Shipment_shopId_delayed_stage_idx" ON "Shipment"("shopId", "delayed", "stage");

-- CreateIndex
CREATE INDEX "Shipment_shopId_needsAttention_idx" ON "Shipment"("shopId", "needsAttention");

-- CreateIndex
CREATE INDEX "Shipment_shopId_carrier_destRegion_stage_lastEventAt_idx" ON "Shipment"("shopId", "carrier", "destRegion", "stage", "lastEventAt");

-- CreateIndex
CREATE INDEX "Shipment_shopId_stage_lastEventAt_idx" ON "Shipment"("shopId", "stage", "lastEventAt");

-- CreateIndex
CREATE UNIQUE INDEX "Shipment_shopId_shopifyFulfillmentId_key" ON "Shipment"("shopId", "shopifyFulfillmentId");

-- CreateIndex
CREATE UNIQUE INDEX "Shipment_shopId_reverseDeliveryId_key" ON "Shipment"("shopId", "reverseDeliveryId");

-- CreateIndex
CREATE UNIQUE INDEX "Shipment_shopId_returnCaseId_key" ON "Shipment"("shopId", "returnCaseId");

-- CreateIndex
CREATE INDEX "TrackingNumber_shopId_number_idx" ON "TrackingNumber"("shopId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "TrackingNumber_shipmentId_number_key" ON "TrackingNumber"("shipmentId", "number");

-- CreateIndex
CREATE INDEX "TrackingEvent_shipmentId_happenedAt_idx" ON "TrackingEvent"("shipmentId", "happenedAt");

-- CreateIndex
CREATE INDEX "TrackingEvent_shopId_happenedAt_idx" ON "TrackingEvent"("shopId", "happenedAt");

-- CreateIndex
CREATE UNIQUE INDEX "TrackingEvent_shopId_dedupeKey_key" ON "TrackingEvent"("shopId", "dedupeKey");

-- CreateIndex
CREATE INDEX "StageTransition_shipmentId_at_idx" ON "StageTransition"("shipmentId", "at");

-- CreateIndex
CREATE INDEX "StageTransition_shopId_at_idx" ON "StageTransition"("shopId", "at");

-- CreateIndex
CREATE INDEX "ReturnCase_orderId_idx" ON "ReturnCase"("orderId");

-- CreateIndex
CREATE INDEX "ReturnCase_shopId_orderShopifyId_idx" ON "ReturnCase"("shopId", "orderShopifyId");

-- CreateIndex
CREATE INDEX "ReturnCase_shopId_status_idx" ON "ReturnCase"("shopId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnCase_shopId_shopifyReturnId_key" ON "ReturnCase"("shopId", "shopifyReturnId");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_idempotencyKey_key" ON "Notification"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Notification_shopId_status_createdAt_idx" ON "Notification"("shopId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_shopId_createdAt_idx" ON "Notification"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_status_nextAttemptAt_idx" ON "Notification"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Notification_orderId_idx" ON "Notification"("orderId");

-- CreateIndex
CREATE INDEX "Notification_shipmentId_idx" ON "Notification"("shipmentId");

-- CreateIndex
CREATE UNIQUE INDEX "SmsOptOut_shopId_phone_fromNumber_key" ON "SmsOptOut"("shopId", "phone", "fromNumber");

-- CreateIndex
CREATE INDEX "OutboxMessage_shopId_createdAt_idx" ON "OutboxMessage"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_notificationId_idx" ON "OutboxMessage"("notificationId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookReceipt_webhookId_key" ON "WebhookReceipt"("webhookId");

-- CreateIndex
CREATE INDEX "WebhookReceipt_status_receivedAt_idx" ON "WebhookReceipt"("status", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookReceipt_shopDomain_topic_receivedAt_idx" ON "WebhookReceipt"("shopDomain", "topic", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookReceipt_receivedAt_idx" ON "WebhookReceipt"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_singletonKey_key" ON "Job"("singletonKey");

-- CreateIndex
CREATE INDEX "Job_status_runAfter_idx" ON "Job"("status", "runAfter");

-- CreateIndex
CREATE INDEX "Job_status_leaseExpiresAt_idx" ON "Job"("status", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "Job_status_finishedAt_idx" ON "Job"("status", "finishedAt");

-- CreateIndex
CREATE INDEX "Job_kind_status_idx" ON "Job"("kind", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ComplianceRequest_webhookId_key" ON "ComplianceRequest"("webhookId");

-- CreateIndex
CREATE INDEX "ComplianceRequest_shopDomain_createdAt_idx" ON "ComplianceRequest"("shopDomain", "createdAt");

-- CreateIndex
CREATE INDEX "AnalyticsEvent_shopId_kind_createdAt_idx" ON "AnalyticsEvent"("shopId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "AttributedOrder_shopId_createdAt_idx" ON "AttributedOrder"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AttributedOrder_shopId_orderId_key" ON "AttributedOrder"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "DailyStat_shopId_metric_day_idx" ON "DailyStat"("shopId", "metric", "day");

-- CreateIndex
CREATE UNIQUE INDEX "DailyStat_shopId_day_metric_dimension_key" ON "DailyStat"("shopId", "day", "metric", "dimension");

-- CreateIndex
CREATE INDEX "LaneStat_shopId_metric_day_idx" ON "LaneStat"("shopId", "metric", "day");

-- CreateIndex
CREATE UNIQUE INDEX "LaneStat_shopId_metric_carrier_service_region_day_key" ON "LaneStat"("shopId", "metric", "carrier", "service", "region", "day");
