import type { ActionFunctionArgs } from "@remix-run/node";
import { handleOnce, receiveWebhook, recordRejected } from "~/modules/webhooks/receive.server";
import { identityFromPayload, orderIdsFromPayload } from "~/modules/privacy/identity.server";
import { redactCustomer } from "~/modules/privacy/redact.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await receiveWebhook(request);
  const identity = identityFromPayload(webhook.payload);
  if (!identity) {
    await recordRejected(webhook, "customers/redact without a customer id, email or phone");
    return new Response(null, { status: 200 });
  }
  const orderIds = orderIdsFromPayload(webhook.payload, "orders_to_redact");
  await handleOnce(webhook, async (tx) => {
    await redactCustomer(tx, webhook.shop, identity, orderIds);
  });
  return new Response(null, { status: 200 });
};
