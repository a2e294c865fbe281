-- CreateIndex
CREATE INDEX "Shipment_shopId_cancelledAt_stage_idx" ON "Shipment"("shopId", "cancelledAt", "stage");
