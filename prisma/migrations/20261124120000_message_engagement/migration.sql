-- DropIndex
DROP INDEX "Message_shop_createdAt_idx";

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "bouncedAt" DATETIME;
ALTER TABLE "Message" ADD COLUMN "clickedAt" DATETIME;
ALTER TABLE "Message" ADD COLUMN "openedAt" DATETIME;
ALTER TABLE "Message" ADD COLUMN "repliedAt" DATETIME;
ALTER TABLE "Message" ADD COLUMN "unsubscribedAt" DATETIME;

-- CreateIndex
CREATE INDEX "Message_shop_createdAt_report_idx" ON "Message"("shop", "createdAt", "channel", "status", "sentAt", "openedAt", "clickedAt", "repliedAt", "unsubscribedAt", "bouncedAt");


-- Backfill: the first event of each kind already recorded.
UPDATE "Message" SET
  "openedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'OPEN'),
  "clickedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'CLICK'),
  "repliedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'REPLY'),
  "unsubscribedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'UNSUBSCRIBE'),
  "bouncedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'BOUNCE')
WHERE EXISTS (SELECT 1 FROM "MessageEvent" WHERE "messageId" = "Message"."id");
