-- AlterTable (columns added in place: a table redefinition here would drop columns that
-- migrations of the same day from other branches added to Shop)
ALTER TABLE "Shop" ADD COLUMN "deliveryConfidence" REAL NOT NULL DEFAULT 0.9;
ALTER TABLE "Shop" ADD COLUMN "originCountry" TEXT;
ALTER TABLE "Shop" ADD COLUMN "closureDays" JSONB;
