-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
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
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "contactEmail" TEXT,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "ianaTimezone" TEXT NOT NULL DEFAULT 'UTC',
    "primaryLocale" TEXT NOT NULL DEFAULT 'en',
    "primaryDomain" TEXT,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "sendingEnabled" BOOLEAN NOT NULL DEFAULT true,
    "senderName" TEXT,
    "senderEmail" TEXT,
    "senderVerifiedAt" TIMESTAMP(3),
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
    "checklistDismissedAt" TIMESTAMP(3),
    "slaVipFirstResponseMinutes" INTEGER NOT NULL DEFAULT 60,
    "staffLastSeenAt" TIMESTAMP(3),
    "chatGreeting" TEXT,
    "chatGreetingDelaySeconds" INTEGER,
    "vipRule" TEXT NOT NULL DEFAULT 'CLV_TOP_SHARE',
    "vipTopPercent" INTEGER NOT NULL DEFAULT 10,
    "vipSpendThreshold" DECIMAL(65,30),
    "atRiskPAlive" DOUBLE PRECISION NOT NULL DEFAULT 0.3,
    "clvHorizonMonths" INTEGER NOT NULL DEFAULT 12,
    "clvMonthlyDiscountRate" DOUBLE PRECISION NOT NULL DEFAULT 0.01,
    "segmentTagsJson" TEXT,
    "clvFitJson" TEXT,
    "customersSyncedAt" TIMESTAMP(3),
    "segmentsComputedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
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
    "totalSpent" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "firstOrderAt" TIMESTAMP(3),
    "lastOrderAt" TIMESTAMP(3),
    "segment" TEXT,
    "segmentChangedAt" TIMESTAMP(3),
    "pAlive" DOUBLE PRECISION,
    "expectedPurchases" DOUBLE PRECISION,
    "predictedClv" DOUBLE PRECISION,
    "clvComputedAt" TIMESTAMP(3),
    "kindlyTagsJson" TEXT,
    "shopifyCreatedAt" TIMESTAMP(3),
    "shopifyUpdatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "name" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "checkoutToken" TEXT,
    "checkoutId" TEXT,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "totalPrice" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "financialStatus" TEXT,
    "fulfillmentStatus" TEXT,
    "statusPageUrl" TEXT,
    "lineItemsJson" TEXT,
    "trackingJson" TEXT,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Checkout" (
    "id" TEXT NOT NULL,
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
    "totalPrice" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "lineItemsJson" TEXT,
    "recoveryUrl" TEXT,
    "emailMarketingState" TEXT,
    "smsMarketingState" TEXT,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "orderId" TEXT,
    "completedAt" TIMESTAMP(3),
    "shopifyCreatedAt" TIMESTAMP(3),
    "shopifyUpdatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Checkout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Flow" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "holdoutPercent" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Flow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowStep" (
    "id" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "delayMinutes" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "condition" TEXT NOT NULL DEFAULT 'ALWAYS',
    "templatesJson" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "customerId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'ACTIVE',
    "stopReason" TEXT,
    "holdout" BOOLEAN NOT NULL DEFAULT false,
    "anchorAt" TIMESTAMP(3) NOT NULL,
    "stoppedAt" TIMESTAMP(3),
    "convertedOrderId" TEXT,
    "convertedRevenue" DECIMAL(65,30),
    "convertedAt" TIMESTAMP(3),
    "recovered" BOOLEAN NOT NULL DEFAULT false,
    "attributedStep" INTEGER,
    "attributedChannel" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduledMessage" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stepPosition" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "originalDueAt" TIMESTAMP(3),
    "deferReason" TEXT,
    "skipReason" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ScheduledMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
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
    "sentAt" TIMESTAMP(3),
    "openedAt" TIMESTAMP(3),
    "clickedAt" TIMESTAMP(3),
    "repliedAt" TIMESTAMP(3),
    "unsubscribedAt" TIMESTAMP(3),
    "bouncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "detailJson" TEXT,

    CONSTRAINT "MessageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" TEXT NOT NULL,
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
    "lastMessageAt" TIMESTAMP(3) NOT NULL,
    "firstResponseAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "reopenedAt" TIMESTAMP(3),
    "locale" TEXT,
    "unreadCount" INTEGER NOT NULL DEFAULT 0,
    "lastShopperMessageAt" TIMESTAMP(3),
    "firstResponseDueAt" TIMESTAMP(3),
    "resolutionDueAt" TIMESTAMP(3),
    "firstResponseBreachedAt" TIMESTAMP(3),
    "resolutionBreachedAt" TIMESTAMP(3),
    "csatRequestedAt" TIMESTAMP(3),
    "csatRespondedAt" TIMESTAMP(3),
    "csatScore" INTEGER,
    "csatComment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationMessage" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FaqEntry" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "topic" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FaqEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Suppression" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "addressHash" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Suppression_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "webhookId" TEXT,
    "triggeredAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "payload" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "requestId" TEXT,
    "ordersRequestedJson" TEXT,
    "exportJson" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT,
    "dataJson" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SavedReply" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "locale" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedReply_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentChange" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "fromSegment" TEXT,
    "toSegment" TEXT NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "SegmentChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscountGrant" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "conversationId" TEXT,
    "purpose" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "shopifyDiscountId" TEXT,
    "kind" TEXT NOT NULL,
    "value" DECIMAL(65,30),
    "currencyCode" TEXT,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiscountGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" TEXT NOT NULL,
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
    "leaseExpiresAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "Customer_shop_email_idx" ON "Customer"("shop", "email");

-- CreateIndex
CREATE INDEX "Customer_shop_phone_idx" ON "Customer"("shop", "phone");

-- CreateIndex
CREATE INDEX "Customer_shop_segment_predictedClv_idx" ON "Customer"("shop", "segment", "predictedClv");

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
CREATE INDEX "Checkout_shop_createdAt_idx" ON "Checkout"("shop", "createdAt");

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
CREATE INDEX "FlowRun_flowId_createdAt_idx" ON "FlowRun"("flowId", "createdAt");

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
CREATE INDEX "Message_shop_createdAt_report_idx" ON "Message"("shop", "createdAt", "channel", "status", "sentAt", "openedAt", "clickedAt", "repliedAt", "unsubscribedAt", "bouncedAt");

-- CreateIndex
CREATE INDEX "Message_shop_customerId_idx" ON "Message"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Message_shop_emailMessageId_idx" ON "Message"("shop", "emailMessageId");

-- CreateIndex
CREATE INDEX "Message_shop_toAddress_sentAt_idx" ON "Message"("shop", "toAddress", "sentAt");

-- CreateIndex
CREATE INDEX "MessageEvent_shop_type_at_idx" ON "MessageEvent"("shop", "type", "at");

-- CreateIndex
CREATE INDEX "MessageEvent_messageId_type_idx" ON "MessageEvent"("messageId", "type");

-- CreateIndex
CREATE INDEX "Conversation_shop_status_lastMessageAt_idx" ON "Conversation"("shop", "status", "lastMessageAt");

-- CreateIndex
CREATE INDEX "Conversation_shop_visitorId_idx" ON "Conversation"("shop", "visitorId");

-- CreateIndex
CREATE INDEX "Conversation_shop_customerId_idx" ON "Conversation"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Conversation_shop_createdAt_idx" ON "Conversation"("shop", "createdAt");

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

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Checkout" ADD CONSTRAINT "Checkout_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowStep" ADD CONSTRAINT "FlowStep_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScheduledMessage" ADD CONSTRAINT "ScheduledMessage_runId_fkey" FOREIGN KEY ("runId") REFERENCES "FlowRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_scheduledId_fkey" FOREIGN KEY ("scheduledId") REFERENCES "ScheduledMessage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageEvent" ADD CONSTRAINT "MessageEvent_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationMessage" ADD CONSTRAINT "ConversationMessage_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationEvent" ADD CONSTRAINT "ConversationEvent_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SegmentChange" ADD CONSTRAINT "SegmentChange_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscountGrant" ADD CONSTRAINT "DiscountGrant_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

