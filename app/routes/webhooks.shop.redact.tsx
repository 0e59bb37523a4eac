import type { ActionFunctionArgs } from "@remix-run/node";
import { handleOnce, receiveWebhook } from "~/modules/webhooks/receive.server";
import { redactShop } from "~/modules/privacy/redact.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await receiveWebhook(request);
  await handleOnce(webhook, (tx) => redactShop(tx, webhook.shop));
  return new Response(null, { status: 200 });
};
