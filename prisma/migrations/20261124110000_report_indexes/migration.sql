-- DropIndex
DROP INDEX "Customer_shop_segment_idx";

-- DropIndex
DROP INDEX "MessageEvent_messageId_idx";

-- CreateIndex
CREATE INDEX "Customer_shop_segment_predictedClv_idx" ON "Customer"("shop", "segment", "predictedClv");

-- CreateIndex
CREATE INDEX "Checkout_shop_createdAt_idx" ON "Checkout"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "FlowRun_flowId_createdAt_idx" ON "FlowRun"("flowId", "createdAt");

-- CreateIndex
CREATE INDEX "MessageEvent_messageId_type_idx" ON "MessageEvent"("messageId", "type");

