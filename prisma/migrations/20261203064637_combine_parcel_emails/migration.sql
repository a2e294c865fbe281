-- AlterTable (columns added in place: a table redefinition here would drop columns that
-- migrations of the same day from other branches added to Shop)
ALTER TABLE "Shop" ADD COLUMN "combineParcelEmailsMinutes" INTEGER NOT NULL DEFAULT 15;
