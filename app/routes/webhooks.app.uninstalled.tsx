import type { ActionFunctionArgs } from "@remix-run/node";
import { getClock } from "~/clock.server";
import { handleOnce, receiveWebhook } from "~/modules/webhooks/receive.server";
import { stopShopOnUninstall } from "~/modules/shop/uninstall.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await receiveWebhook(request);
  await handleOnce(webhook, (tx) => stopShopOnUninstall(tx, webhook.shop, getClock().now()));
  return new Response(null, { status: 200 });
};
