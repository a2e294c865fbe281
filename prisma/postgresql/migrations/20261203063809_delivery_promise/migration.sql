-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "closureDays" JSONB,
ADD COLUMN     "deliveryConfidence" DOUBLE PRECISION NOT NULL DEFAULT 0.9,
ADD COLUMN     "originCountry" TEXT;
