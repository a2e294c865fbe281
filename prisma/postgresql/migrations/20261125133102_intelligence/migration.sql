-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "processingLearnedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "learnedAt" TIMESTAMP(3);
