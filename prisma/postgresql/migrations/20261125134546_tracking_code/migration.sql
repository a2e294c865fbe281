-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "trackingCode" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_trackingCode_key" ON "Order"("shopId", "trackingCode");
