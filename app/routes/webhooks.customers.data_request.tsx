import type { ActionFunctionArgs } from "@remix-run/node";
import { getClock } from "~/clock.server";
import { handleOnce, receiveWebhook, recordRejected } from "~/modules/webhooks/receive.server";
import { identityFromPayload, orderIdsFromPayload } from "~/modules/privacy/identity.server";
import { recordDataRequest } from "~/modules/privacy/data-request.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await receiveWebhook(request);
  const identity = identityFromPayload(webhook.payload);
  if (!identity) {
    await recordRejected(webhook, "customers/data_request without a customer id, email or phone");
    return new Response(null, { status: 200 });
  }
  const dataRequest = (webhook.payload as { data_request?: { id?: unknown } }).data_request;
  await handleOnce(webhook, async (tx) => {
    await recordDataRequest(tx, webhook.shop, identity, {
      requestId: dataRequest?.id !== undefined ? String(dataRequest.id) : null,
      ordersRequested: orderIdsFromPayload(webhook.payload, "orders_requested"),
      requestedAt: webhook.triggeredAt ?? getClock().now(),
    });
  });
  return new Response(null, { status: 200 });
};
