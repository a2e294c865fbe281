-- AlterTable
ALTER TABLE "Order" ADD COLUMN "processingLearnedAt" DATETIME;

-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN "learnedAt" DATETIME;
