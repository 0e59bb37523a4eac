-- AlterTable
ALTER TABLE "Flow" ADD COLUMN "settingsJson" TEXT;

