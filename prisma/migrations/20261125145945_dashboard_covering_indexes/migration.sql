-- CreateIndex
CREATE INDEX "Shipment_shopId_kind_deliveredAt_stage_lastEventAt_predictedEnd_idx" ON "Shipment"("shopId", "kind", "deliveredAt", "stage", "lastEventAt", "predictedEnd");

-- CreateIndex
CREATE INDEX "Shipment_shopId_stage_kind_delayed_cancelledAt_deliveredAt_lastEventAt_idx" ON "Shipment"("shopId", "stage", "kind", "delayed", "cancelledAt", "deliveredAt", "lastEventAt");

-- CreateIndex
CREATE INDEX "Shipment_shopId_needsAttention_cancelledAt_deliveredAt_subStatus_idx" ON "Shipment"("shopId", "needsAttention", "cancelledAt", "deliveredAt", "subStatus");

-- CreateIndex
CREATE INDEX "Shipment_shopId_delayed_cancelledAt_deliveredAt_lastEventAt_idx" ON "Shipment"("shopId", "delayed", "cancelledAt", "deliveredAt", "lastEventAt");

-- CreateIndex
CREATE INDEX "Shipment_shopId_needsAttention_cancelledAt_deliveredAt_lastEventAt_idx" ON "Shipment"("shopId", "needsAttention", "cancelledAt", "deliveredAt", "lastEventAt");
