-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "shopifyId" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "locale" TEXT,
    "timezone" TEXT,
    "countryCode" TEXT,
    "emailMarketingState" TEXT,
    "smsMarketingState" TEXT,
    "tags" TEXT,
    "ordersCount" INTEGER NOT NULL DEFAULT 0,
    "totalSpent" DECIMAL NOT NULL DEFAULT 0,
    "firstOrderAt" DATETIME,
    "lastOrderAt" DATETIME,
    "segment" TEXT,
    "shopifyCreatedAt" DATETIME,
    "shopifyUpdatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "name" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "checkoutToken" TEXT,
    "checkoutId" TEXT,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "totalPrice" DECIMAL NOT NULL DEFAULT 0,
    "financialStatus" TEXT,
    "fulfillmentStatus" TEXT,
    "statusPageUrl" TEXT,
    "processedAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Checkout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "shopifyId" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "firstName" TEXT,
    "locale" TEXT,
    "countryCode" TEXT,
    "provinceCode" TEXT,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "totalPrice" DECIMAL NOT NULL DEFAULT 0,
    "lineItemsJson" TEXT,
    "recoveryUrl" TEXT,
    "emailMarketingState" TEXT,
    "smsMarketingState" TEXT,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "orderId" TEXT,
    "completedAt" DATETIME,
    "shopifyCreatedAt" DATETIME,
    "shopifyUpdatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Checkout_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Flow" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "holdoutPercent" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "FlowStep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "flowId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "delayMinutes" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "condition" TEXT NOT NULL DEFAULT 'ALWAYS',
    "templatesJson" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FlowStep_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FlowRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "customerId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'ACTIVE',
    "stopReason" TEXT,
    "holdout" BOOLEAN NOT NULL DEFAULT false,
    "anchorAt" DATETIME NOT NULL,
    "stoppedAt" DATETIME,
    "convertedOrderId" TEXT,
    "convertedRevenue" DECIMAL,
    "convertedAt" DATETIME,
    "recovered" BOOLEAN NOT NULL DEFAULT false,
    "attributedStep" INTEGER,
    "attributedChannel" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FlowRun_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ScheduledMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stepPosition" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "originalDueAt" DATETIME,
    "deferReason" TEXT,
    "skipReason" TEXT,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ScheduledMessage_runId_fkey" FOREIGN KEY ("runId") REFERENCES "FlowRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "scheduledId" TEXT,
    "customerId" TEXT,
    "conversationId" TEXT,
    "channel" TEXT NOT NULL,
    "toAddress" TEXT NOT NULL,
    "fromAddress" TEXT,
    "subject" TEXT,
    "bodyText" TEXT,
    "bodyHtml" TEXT,
    "locale" TEXT,
    "replyToken" TEXT NOT NULL,
    "emailMessageId" TEXT,
    "providerMessageId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Message_scheduledId_fkey" FOREIGN KEY ("scheduledId") REFERENCES "ScheduledMessage" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MessageEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "detailJson" TEXT,
    CONSTRAINT "MessageEvent_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Conversation" (
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
    "csatScore" INTEGER,
    "csatComment" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Conversation_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConversationMessage" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConversationMessage_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FaqEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "topic" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Suppression" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "addressHash" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "webhookId" TEXT,
    "triggeredAt" DATETIME,
    "receivedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "payload" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" DATETIME,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "requestId" TEXT,
    "ordersRequestedJson" TEXT,
    "exportJson" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "Customer_shop_email_idx" ON "Customer"("shop", "email");

-- CreateIndex
CREATE INDEX "Customer_shop_phone_idx" ON "Customer"("shop", "phone");

-- CreateIndex
CREATE INDEX "Customer_shop_segment_idx" ON "Customer"("shop", "segment");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_shop_shopifyId_key" ON "Customer"("shop", "shopifyId");

-- CreateIndex
CREATE INDEX "Order_shop_checkoutToken_idx" ON "Order"("shop", "checkoutToken");

-- CreateIndex
CREATE INDEX "Order_shop_processedAt_idx" ON "Order"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "Order_shop_customerId_idx" ON "Order"("shop", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shop_shopifyId_key" ON "Order"("shop", "shopifyId");

-- CreateIndex
CREATE INDEX "Checkout_shop_email_idx" ON "Checkout"("shop", "email");

-- CreateIndex
CREATE INDEX "Checkout_shop_phone_idx" ON "Checkout"("shop", "phone");

-- CreateIndex
CREATE INDEX "Checkout_shop_status_idx" ON "Checkout"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Checkout_shop_token_key" ON "Checkout"("shop", "token");

-- CreateIndex
CREATE UNIQUE INDEX "Flow_shop_trigger_key" ON "Flow"("shop", "trigger");

-- CreateIndex
CREATE UNIQUE INDEX "FlowStep_flowId_position_key" ON "FlowStep"("flowId", "position");

-- CreateIndex
CREATE INDEX "FlowRun_shop_state_idx" ON "FlowRun"("shop", "state");

-- CreateIndex
CREATE INDEX "FlowRun_shop_convertedAt_idx" ON "FlowRun"("shop", "convertedAt");

-- CreateIndex
CREATE UNIQUE INDEX "FlowRun_flowId_subjectType_subjectId_key" ON "FlowRun"("flowId", "subjectType", "subjectId");

-- CreateIndex
CREATE INDEX "ScheduledMessage_state_dueAt_idx" ON "ScheduledMessage"("state", "dueAt");

-- CreateIndex
CREATE INDEX "ScheduledMessage_shop_state_idx" ON "ScheduledMessage"("shop", "state");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledMessage_runId_stepPosition_key" ON "ScheduledMessage"("runId", "stepPosition");

-- CreateIndex
CREATE UNIQUE INDEX "Message_scheduledId_key" ON "Message"("scheduledId");

-- CreateIndex
CREATE UNIQUE INDEX "Message_replyToken_key" ON "Message"("replyToken");

-- CreateIndex
CREATE INDEX "Message_shop_createdAt_idx" ON "Message"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Message_shop_customerId_idx" ON "Message"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Message_shop_emailMessageId_idx" ON "Message"("shop", "emailMessageId");

-- CreateIndex
CREATE INDEX "Message_shop_toAddress_sentAt_idx" ON "Message"("shop", "toAddress", "sentAt");

-- CreateIndex
CREATE INDEX "MessageEvent_shop_type_at_idx" ON "MessageEvent"("shop", "type", "at");

-- CreateIndex
CREATE INDEX "MessageEvent_messageId_idx" ON "MessageEvent"("messageId");

-- CreateIndex
CREATE INDEX "Conversation_shop_status_lastMessageAt_idx" ON "Conversation"("shop", "status", "lastMessageAt");

-- CreateIndex
CREATE INDEX "Conversation_shop_visitorId_idx" ON "Conversation"("shop", "visitorId");

-- CreateIndex
CREATE INDEX "ConversationMessage_conversationId_createdAt_idx" ON "ConversationMessage"("conversationId", "createdAt");

-- CreateIndex
CREATE INDEX "ConversationMessage_shop_emailMessageId_idx" ON "ConversationMessage"("shop", "emailMessageId");

-- CreateIndex
CREATE INDEX "FaqEntry_shop_locale_position_idx" ON "FaqEntry"("shop", "locale", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Suppression_shop_channel_addressHash_key" ON "Suppression"("shop", "channel", "addressHash");

-- CreateIndex
CREATE INDEX "WebhookEvent_shop_status_receivedAt_idx" ON "WebhookEvent"("shop", "status", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_status_availableAt_idx" ON "WebhookEvent"("status", "availableAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_shop_eventId_key" ON "WebhookEvent"("shop", "eventId");

-- CreateIndex
CREATE INDEX "DataRequest_shop_requestedAt_idx" ON "DataRequest"("shop", "requestedAt");

