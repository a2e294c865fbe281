-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN "lineItems" JSONB;
