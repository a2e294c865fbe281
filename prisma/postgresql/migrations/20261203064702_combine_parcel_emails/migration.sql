-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "combineParcelEmailsMinutes" INTEGER NOT NULL DEFAULT 15;
