-- AlterTable
ALTER TABLE "Customer" ADD COLUMN "clvComputedAt" DATETIME;
ALTER TABLE "Customer" ADD COLUMN "expectedPurchases" REAL;
ALTER TABLE "Customer" ADD COLUMN "kindlyTagsJson" TEXT;
ALTER TABLE "Customer" ADD COLUMN "pAlive" REAL;
ALTER TABLE "Customer" ADD COLUMN "predictedClv" REAL;
ALTER TABLE "Customer" ADD COLUMN "segmentChangedAt" DATETIME;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN "lineItemsJson" TEXT;
ALTER TABLE "Order" ADD COLUMN "trackingJson" TEXT;

-- CreateTable
CREATE TABLE "ConversationEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT,
    "dataJson" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConversationEvent_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SavedReply" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "locale" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SegmentChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "fromSegment" TEXT,
    "toSegment" TEXT NOT NULL,
    "changedAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    CONSTRAINT "SegmentChange_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DiscountGrant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "conversationId" TEXT,
    "purpose" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "shopifyDiscountId" TEXT,
    "kind" TEXT NOT NULL,
    "value" DECIMAL,
    "currencyCode" TEXT,
    "expiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DiscountGrant_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "bulkOperationId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'CREATED',
    "resultUrl" TEXT,
    "objectCount" INTEGER,
    "linesProcessed" INTEGER NOT NULL DEFAULT 0,
    "customersUpserted" INTEGER NOT NULL DEFAULT 0,
    "ordersUpserted" INTEGER NOT NULL DEFAULT 0,
    "malformedLines" INTEGER NOT NULL DEFAULT 0,
    "errorsJson" TEXT,
    "lastError" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT,
    "email" TEXT,
    "contactEmail" TEXT,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "ianaTimezone" TEXT NOT NULL DEFAULT 'UTC',
    "primaryLocale" TEXT NOT NULL DEFAULT 'en',
    "primaryDomain" TEXT,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "sendingEnabled" BOOLEAN NOT NULL DEFAULT true,
    "senderName" TEXT,
    "senderEmail" TEXT,
    "senderVerifiedAt" DATETIME,
    "replyDomain" TEXT,
    "smtpUrlEncrypted" TEXT,
    "twilioAccountSid" TEXT,
    "twilioAuthTokenEncrypted" TEXT,
    "twilioFromNumber" TEXT,
    "twilioApiBaseUrl" TEXT,
    "quietHoursStart" INTEGER NOT NULL DEFAULT 1200,
    "quietHoursEnd" INTEGER NOT NULL DEFAULT 480,
    "frequencyCapHours" INTEGER NOT NULL DEFAULT 24,
    "consentPolicy" TEXT NOT NULL DEFAULT 'SUBSCRIBED_ONLY',
    "slaFirstResponseMinutes" INTEGER NOT NULL DEFAULT 240,
    "slaResolutionMinutes" INTEGER NOT NULL DEFAULT 1440,
    "slaGoalPercent" INTEGER NOT NULL DEFAULT 80,
    "businessHoursJson" TEXT,
    "languagesJson" TEXT,
    "onboardingJson" TEXT,
    "checklistDismissedAt" DATETIME,
    "slaVipFirstResponseMinutes" INTEGER NOT NULL DEFAULT 60,
    "staffLastSeenAt" DATETIME,
    "chatGreeting" TEXT,
    "chatGreetingDelaySeconds" INTEGER,
    "vipRule" TEXT NOT NULL DEFAULT 'CLV_TOP_SHARE',
    "vipTopPercent" INTEGER NOT NULL DEFAULT 10,
    "vipSpendThreshold" DECIMAL,
    "atRiskPAlive" REAL NOT NULL DEFAULT 0.3,
    "clvHorizonMonths" INTEGER NOT NULL DEFAULT 12,
    "clvMonthlyDiscountRate" REAL NOT NULL DEFAULT 0.01,
    "segmentTagsJson" TEXT,
    "clvFitJson" TEXT,
    "customersSyncedAt" DATETIME,
    "segmentsComputedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("businessHoursJson", "checklistDismissedAt", "consentPolicy", "contactEmail", "createdAt", "currencyCode", "email", "frequencyCapHours", "ianaTimezone", "installedAt", "languagesJson", "name", "onboardingJson", "primaryDomain", "primaryLocale", "quietHoursEnd", "quietHoursStart", "replyDomain", "senderEmail", "senderName", "senderVerifiedAt", "sendingEnabled", "shop", "slaFirstResponseMinutes", "slaGoalPercent", "slaResolutionMinutes", "smtpUrlEncrypted", "twilioAccountSid", "twilioApiBaseUrl", "twilioAuthTokenEncrypted", "twilioFromNumber", "uninstalledAt", "updatedAt") SELECT "businessHoursJson", "checklistDismissedAt", "consentPolicy", "contactEmail", "createdAt", "currencyCode", "email", "frequencyCapHours", "ianaTimezone", "installedAt", "languagesJson", "name", "onboardingJson", "primaryDomain", "primaryLocale", "quietHoursEnd", "quietHoursStart", "replyDomain", "senderEmail", "senderName", "senderVerifiedAt", "sendingEnabled", "shop", "slaFirstResponseMinutes", "slaGoalPercent", "slaResolutionMinutes", "smtpUrlEncrypted", "twilioAccountSid", "twilioApiBaseUrl", "twilioAuthTokenEncrypted", "twilioFromNumber", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE TABLE "new_Conversation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "subject" TEXT,
    "contactName" TEXT,
    "contactEmail" TEXT,
    "contactPhone" TEXT,
    "visitorId" TEXT,
    "checkoutId" TEXT,
    "orderId" TEXT,
    "assigneeId" TEXT,
    "assigneeName" TEXT,
    "vip" BOOLEAN NOT NULL DEFAULT false,
    "lastMessageAt" DATETIME NOT NULL,
    "firstResponseAt" DATETIME,
    "closedAt" DATETIME,
    "reopenedAt" DATETIME,
    "locale" TEXT,
    "unreadCount" INTEGER NOT NULL DEFAULT 0,
    "lastShopperMessageAt" DATETIME,
    "firstResponseDueAt" DATETIME,
    "resolutionDueAt" DATETIME,
    "firstResponseBreachedAt" DATETIME,
    "resolutionBreachedAt" DATETIME,
    "csatRequestedAt" DATETIME,
    "csatRespondedAt" DATETIME,
    "csatScore" INTEGER,
    "csatComment" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Conversation_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Conversation" ("assigneeId", "assigneeName", "channel", "checkoutId", "closedAt", "contactEmail", "contactName", "contactPhone", "createdAt", "csatComment", "csatScore", "customerId", "firstResponseAt", "id", "lastMessageAt", "orderId", "shop", "status", "subject", "updatedAt", "vip", "visitorId") SELECT "assigneeId", "assigneeName", "channel", "checkoutId", "closedAt", "contactEmail", "contactName", "contactPhone", "createdAt", "csatComment", "csatScore", "customerId", "firstResponseAt", "id", "lastMessageAt", "orderId", "shop", "status", "subject", "updatedAt", "vip", "visitorId" FROM "Conversation";
DROP TABLE "Conversation";
ALTER TABLE "new_Conversation" RENAME TO "Conversation";
CREATE INDEX "Conversation_shop_status_lastMessageAt_idx" ON "Conversation"("shop", "status", "lastMessageAt");
CREATE INDEX "Conversation_shop_visitorId_idx" ON "Conversation"("shop", "visitorId");
CREATE INDEX "Conversation_shop_customerId_idx" ON "Conversation"("shop", "customerId");
CREATE INDEX "Conversation_shop_createdAt_idx" ON "Conversation"("shop", "createdAt");
CREATE TABLE "new_ConversationMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "authorName" TEXT,
    "channel" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "bodyHtml" TEXT,
    "emailMessageId" TEXT,
    "inReplyTo" TEXT,
    "attachmentsJson" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'MESSAGE',
    "deliveryStatus" TEXT,
    "deliveryError" TEXT,
    "providerMessageId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConversationMessage_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ConversationMessage" ("attachmentsJson", "author", "authorName", "body", "bodyHtml", "channel", "conversationId", "createdAt", "emailMessageId", "id", "inReplyTo", "shop") SELECT "attachmentsJson", "author", "authorName", "body", "bodyHtml", "channel", "conversationId", "createdAt", "emailMessageId", "id", "inReplyTo", "shop" FROM "ConversationMessage";
DROP TABLE "ConversationMessage";
ALTER TABLE "new_ConversationMessage" RENAME TO "ConversationMessage";
CREATE INDEX "ConversationMessage_conversationId_createdAt_idx" ON "ConversationMessage"("conversationId", "createdAt");
CREATE INDEX "ConversationMessage_shop_emailMessageId_idx" ON "ConversationMessage"("shop", "emailMessageId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ConversationEvent_conversationId_createdAt_idx" ON "ConversationEvent"("conversationId", "createdAt");

-- CreateIndex
CREATE INDEX "ConversationEvent_shop_type_createdAt_idx" ON "ConversationEvent"("shop", "type", "createdAt");

-- CreateIndex
CREATE INDEX "SavedReply_shop_title_idx" ON "SavedReply"("shop", "title");

-- CreateIndex
CREATE INDEX "SegmentChange_shop_customerId_changedAt_idx" ON "SegmentChange"("shop", "customerId", "changedAt");

-- CreateIndex
CREATE INDEX "SegmentChange_shop_toSegment_changedAt_idx" ON "SegmentChange"("shop", "toSegment", "changedAt");

-- CreateIndex
CREATE INDEX "DiscountGrant_shop_customerId_idx" ON "DiscountGrant"("shop", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "DiscountGrant_shop_code_key" ON "DiscountGrant"("shop", "code");

-- CreateIndex
CREATE INDEX "ImportJob_shop_startedAt_idx" ON "ImportJob"("shop", "startedAt");

-- CreateIndex
CREATE INDEX "ImportJob_shop_bulkOperationId_idx" ON "ImportJob"("shop", "bulkOperationId");

