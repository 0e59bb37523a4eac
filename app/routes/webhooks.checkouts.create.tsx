import type { ActionFunctionArgs } from "@remix-run/node";
import { handleCheckoutWebhook } from "~/modules/recovery/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => handleCheckoutWebhook(request);
